// hal-mcp 1.0.14's secret rules, as its users meet them: which placeholders exist, where a
// namespaced secret may be sent, the global URL allow and deny lists, and redaction.
// Quirks are kept on purpose (an empty HAL_ALLOW_ list denies every URL, the URL itself is
// checked before its own placeholders are filled in): the guardrail scripts run against
// the real server, so a tidier rule here would hide what breaks there. The differential
// suite (harness/conformance/) holds this file to the real server's answers.

import { REDACTED, SECRET_ENV_PREFIX } from '../../evidence/secrets.ts';

export const ALLOW_PREFIX = 'HAL_ALLOW_';

export interface HalSecret {
  value: string;
  /** The namespace as written in the variable name (`KAVEDARR`); undefined when there is none. */
  namespace: string | undefined;
  /** Patterns from HAL_ALLOW_<namespace>; undefined when the namespace has no such variable. */
  allowedUrls: string[] | undefined;
}

/** Thrown when a request would send a secret where its allow-list forbids it; its message is what the caller sees. */
export class SecretNotAllowed extends Error {}

export type WarningSink = (line: string) => void;

function splitPatterns(list: string): string[] {
  return list
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

/**
 * The placeholder name for a HAL_SECRET_ variable: `HAL_SECRET_TOKEN` is `token`;
 * `HAL_SECRET_KAVEDARR_API_KEY` is `kavedarr.api_key` (the part before the first
 * underscore is a namespace, lower-cased, with `-` read as `.`).
 */
export function placeholderName(variable: string): { name: string; namespace: string | undefined } {
  const rest = variable.slice(SECRET_ENV_PREFIX.length);
  const split = rest.indexOf('_');
  if (split === -1) return { name: rest.toLowerCase(), namespace: undefined };
  const namespace = rest.slice(0, split);
  const key = rest.slice(split + 1).toLowerCase();
  // An empty namespace (`HAL_SECRET__X`) counts as none, as in hal-mcp.
  if (namespace === '') return { name: key, namespace: undefined };
  return { name: `${namespace.toLowerCase().replaceAll('-', '.')}.${key}`, namespace };
}

/** `*` matches anything; the whole URL must match, ignoring case. */
export function urlMatches(url: string, pattern: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${source}$`, 'i').test(url);
}

export class HalSecrets {
  /** Keyed by placeholder name, in the order the environment listed them. */
  readonly byName = new Map<string, HalSecret>();
  private readonly whitelist: string[] | null;
  private readonly blacklist: string[] | null;
  private readonly warn: WarningSink;

  constructor(env: NodeJS.ProcessEnv, warn: WarningSink = () => {}) {
    this.warn = warn;
    const allowed = new Map<string, string[]>();
    for (const [variable, list] of Object.entries(env)) {
      if (variable.startsWith(ALLOW_PREFIX) && list) allowed.set(variable.slice(ALLOW_PREFIX.length), splitPatterns(list));
    }
    for (const [variable, value] of Object.entries(env)) {
      if (!variable.startsWith(SECRET_ENV_PREFIX) || !value) continue;
      const { name, namespace } = placeholderName(variable);
      this.byName.set(name, { value, namespace, allowedUrls: namespace === undefined ? undefined : allowed.get(namespace) });
    }
    this.whitelist = env.HAL_WHITELIST_URLS ? splitPatterns(env.HAL_WHITELIST_URLS) : null;
    this.blacklist = env.HAL_BLACKLIST_URLS ? splitPatterns(env.HAL_BLACKLIST_URLS) : null;
  }

  get restrictedCount(): number {
    return [...this.byName.values()].filter((secret) => secret.allowedUrls !== undefined).length;
  }

  /**
   * Fills in every `{secrets.<name>}` (the name matched ignoring case). Unknown names
   * stay as written, with a warning; a restricted secret bound for a URL its patterns
   * do not match throws SecretNotAllowed.
   */
  substitute(text: string, targetUrl: string): string {
    return text.replace(/\{secrets\.([^}]+)\}/g, (placeholder, written: string) => {
      const secret = this.byName.get(written.toLowerCase());
      if (secret === undefined) {
        this.warn(`Warning: Secret '${written}' not found. Available secrets: ${[...this.byName.keys()].join(', ')}`);
        return placeholder;
      }
      if (secret.allowedUrls !== undefined && targetUrl && !secret.allowedUrls.some((p) => urlMatches(targetUrl, p))) {
        this.warn(
          `Error: Secret '${written}' (namespace: ${secret.namespace ?? 'unknown'}) is not allowed for URL '${targetUrl}'. ` +
            `Allowed patterns: ${secret.allowedUrls.join(', ')}`,
        );
        throw new SecretNotAllowed(`Secret '${written}' is not allowed for URL '${targetUrl}'`);
      }
      return secret.value;
    });
  }

  /** The global HAL_WHITELIST_URLS / HAL_BLACKLIST_URLS verdict: null when allowed, else why not. */
  refusal(url: string): string | null {
    if (this.whitelist !== null) {
      if (this.blacklist !== null) {
        this.warn('Warning: Both HAL_WHITELIST_URLS and HAL_BLACKLIST_URLS are set. Whitelist takes precedence.');
      }
      if (this.whitelist.some((p) => urlMatches(url, p))) return null;
      return `URL '${url}' is not in the whitelist. Allowed patterns: ${this.whitelist.join(', ')}`;
    }
    if (this.blacklist?.some((p) => urlMatches(url, p))) {
      return `URL '${url}' is blacklisted. Blocked patterns: ${this.blacklist.join(', ')}`;
    }
    return null;
  }

  /** Every secret value, wherever it appears, becomes [REDACTED]. */
  redact(text: string): string {
    let out = text;
    for (const { value } of this.byName.values()) out = out.replaceAll(value, REDACTED);
    return out;
  }
}
