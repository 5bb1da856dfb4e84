/**
 * How a Tracee data field is decoded and which JSON type key its value is written under.
 *
 * Tracee's marshaller (api/v1beta1/event_json.go, after pkg/events/conversion.go) picks the key from
 * the Go type of the value, which for a kernel-decoded field is the type its DecodeAs produces.
 *
 * @module
 */

/** The Tracee v1beta1 JSON type key a field's value is written under. */
export type DataType =
  | "int32"
  | "int64"
  | "u_int32"
  | "u_int64"
  | "str"
  | "bytes"
  | "bool"
  | "str_array"
  | "int32_array"
  | "u_int64_array"
  | "sockaddr"
  | "credentials"
  | "timespec"
  | "pointer"
  | "hooked_syscalls"
  | "hooked_seq_ops"
  | "ipv4"
  | "ipv6"
  | "tcp"
  | "udp"
  | "icmp"
  | "icmpv6"
  | "dns"
  | "dns_questions"
  | "dns_responses"
  | "packet_metadata"
  | "http"
  | "http_request"
  | "http_response";

/**
 * How the value is read and decoded: Tracee's DecodeAs (data.INT_T is "int", STR_ARR_T "str_arr",
 * NONE_T "none" for values Tracee makes in user space). FLOAT_T and FLOAT64_T are left out: no event
 * uses them.
 */
export type Decode =
  | "none"
  | "int"
  | "uint"
  | "long"
  | "ulong"
  | "u16"
  | "u8"
  | "bool"
  | "pointer"
  | "str"
  | "str_arr"
  | "args_arr"
  | "bytes"
  | "sockaddr"
  | "timespec"
  | "int_arr_2"
  | "uint64_arr"
  | "cred";

/** One data field of an event definition. */
export interface FieldDefinition {
  name: string;
  /** The JSON type key of its value. */
  type: DataType;
  /** How the kernel side reads it. */
  decode: Decode;
  /** Tracee's ArgMeta.Type: the Go type Tracee holds the value in, e.g. "int32", "trace.Pointer". */
  cType: string;
}

/** The Go type each DecodeAs produces in Tracee's decoder (pkg/bufferdecoder), by Tracee's own names. */
const GO_TYPE_OF_DECODE: Record<Exclude<Decode, "none">, string> = {
  int: "int32",
  uint: "uint32",
  long: "int64",
  ulong: "uint64",
  u16: "uint16",
  u8: "uint8",
  bool: "bool",
  pointer: "trace.Pointer",
  str: "string",
  str_arr: "[]string",
  args_arr: "[]string",
  bytes: "[]byte",
  sockaddr: "SockAddr",
  timespec: "float64",
  int_arr_2: "[2]int",
  uint64_arr: "[]uint64",
  cred: "trace.SlimCred",
};

/** The key Tracee's conversion gives a value of each Go type that an event field declares. */
const KEY_OF_GO_TYPE: Record<string, DataType> = {
  int32: "int32",
  int64: "int64",
  uint8: "u_int32",
  uint16: "u_int32",
  uint32: "u_int32",
  uint64: "u_int64",
  "time.Time": "u_int64",
  string: "str",
  "[]byte": "bytes",
  // An address Tracee's packet code puts in a field it declares no type for: written as its text.
  "net.IP": "str",
  bool: "bool",
  "[]string": "str_array",
  "[2]int": "int32_array",
  "[]uint64": "u_int64_array",
  "trace.Pointer": "pointer",
  SockAddr: "sockaddr",
  "trace.SlimCred": "credentials",
  float64: "timespec",
  "[]trace.HookedSymbolData": "hooked_syscalls",
  "map[string]trace.HookedSymbolData": "hooked_seq_ops",
  "trace.ProtoIPv4": "ipv4",
  "trace.ProtoIPv6": "ipv6",
  "trace.ProtoTCP": "tcp",
  "trace.ProtoUDP": "udp",
  "trace.ProtoICMP": "icmp",
  "trace.ProtoICMPv6": "icmpv6",
  "trace.ProtoDNS": "dns",
  "[]trace.DnsQueryData": "dns_questions",
  "[]trace.DnsResponseData": "dns_responses",
  "trace.PktMeta": "packet_metadata",
  "trace.PacketMetadata": "packet_metadata",
  "trace.ProtoHTTP": "http",
  "trace.ProtoHTTPRequest": "http_request",
  "trace.ProtoHTTPResponse": "http_response",
};

/** The Go type Tracee's decoder gives a value read as `decode`. */
export function goTypeOf(decode: Exclude<Decode, "none">): string {
  return GO_TYPE_OF_DECODE[decode];
}

/** The JSON type key Tracee's marshaller writes a value of Go type `goType` under. */
export function dataTypeOfGoType(goType: string): DataType {
  const key = KEY_OF_GO_TYPE[goType];
  if (key === undefined) throw new Error(`no JSON type key is known for Tracee's Go type ${goType}`);
  return key;
}

/** The JSON type key Tracee's marshaller writes a value decoded as `decode` under. */
export function dataTypeOf(decode: Exclude<Decode, "none">): DataType {
  return dataTypeOfGoType(GO_TYPE_OF_DECODE[decode]);
}

const DECODES = new Set<string>(["none", ...Object.keys(GO_TYPE_OF_DECODE)]);

/**
 * A field from its compact text `NAME:DECODE[:GOTYPE]` (GOTYPE only where it is not DECODE's own).
 *
 * @example
 * ```ts
 * parseField("mode:u16"); // { name: "mode", type: "u_int32", decode: "u16", cType: "uint16" }
 * ```
 */
export function parseField(text: string): FieldDefinition {
  const [name, decode, goType] = text.split(":");
  if (!DECODES.has(decode)) throw new Error(`field ${text}: unknown decode ${decode}`);
  const cType = goType ?? goTypeOf(decode as Exclude<Decode, "none">);
  return { name, type: dataTypeOfGoType(cType), decode: decode as Decode, cType };
}
