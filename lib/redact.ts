/**
 * Secrets never reach a printed line: the password of `user:pass@` in URLs, and the values of
 * query parameters and `key=value` pairs whose names say they hold a secret (`token`, `sharedKey`,
 * `password`, `apikey`, ...). Pure; every line sluice prints passes through {@link redact}.
 *
 * @module
 */

/** What a redacted secret is shown as. */
export const REDACTED = "***";

/** Parameter names whose values are secrets (compared without case, `-` and `_`). */
const SECRET_NAMES = [
  "token",
  "accesstoken",
  "authtoken",
  "apikey",
  "key",
  "sharedkey",
  "secret",
  "clientsecret",
  "password",
  "passwd",
  "pass",
  "auth",
  "authorization",
  "signature",
  "sig",
  "credentials",
];

const secretName = (name: string) => {
  const plain = name.toLowerCase().replace(/[-_]/g, "");
  return SECRET_NAMES.includes(plain) || plain.endsWith("token") || plain.endsWith("secret") ||
    plain.endsWith("password") || plain.endsWith("apikey");
};

/** `scheme://user:password@`: the password part, up to the `@` of the authority. */
const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@?#]*):[^\s/@?#]*@/gi;
/** `name=value` after `?`, `&`, `;`, whitespace, a quote or the start of the text. */
const PAIR = /(^|[?&;\s"'(,])([A-Za-z][\w.-]*)=([^&?\s"'#;,)]*)/g;

/** `text` with every secret it holds replaced by {@link REDACTED}. */
export function redact(text: string): string {
  if (text.indexOf("=") < 0 && text.indexOf("@") < 0) return text;
  return text
    .replace(USER_INFO, `$1:${REDACTED}@`)
    .replace(
      PAIR,
      (whole, lead: string, name: string, value: string) =>
        value !== "" && value !== REDACTED && secretName(name) ? `${lead}${name}=${REDACTED}` : whole,
    );
}
