/**
 * The `policies` value events carry, one shared frozen object per distinct set of matched
 * policies, so matching allocates nothing per event.
 *
 * @module
 */

/** What an event's `policies` field holds. */
export type MatchedPolicies = { matched: string[] };

/** Distinct sets kept; past this, a set is built per event rather than kept forever. */
const MAX_SETS = 4096;

/** Policy-name sets by mask (bit i of `lo` is policy i, bit i of `hi` policy 32 + i). */
export class MatchedNames {
  private readonly sets = new Map<number, Map<number, MatchedPolicies>>();
  private kept = 0;
  private lastLo = 0;
  private lastHi = 0;
  private last: MatchedPolicies = { matched: [] };

  constructor(private readonly names: readonly string[]) {}

  /** The frozen `{ matched }` for the policies in the mask, in policy order. */
  of(lo: number, hi: number): MatchedPolicies {
    // Consecutive events often match the same policies.
    if (lo === this.lastLo && hi === this.lastHi) return this.last;
    this.last = this.lookup(lo, hi);
    this.lastLo = lo;
    this.lastHi = hi;
    return this.last;
  }

  private lookup(lo: number, hi: number): MatchedPolicies {
    let byLo = this.sets.get(hi);
    if (byLo === undefined) {
      byLo = new Map();
      this.sets.set(hi, byLo);
    }
    let value = byLo.get(lo);
    if (value === undefined) {
      const matched: string[] = [];
      for (let i = 0; i < this.names.length; i++) {
        const set = i < 32 ? lo & (1 << i) : hi & (1 << (i - 32));
        if (set !== 0) matched.push(this.names[i]);
      }
      value = Object.freeze({ matched: Object.freeze(matched) as string[] });
      if (this.kept < MAX_SETS) {
        this.kept++;
        byLo.set(lo, value);
      }
    }
    return value;
  }
}
