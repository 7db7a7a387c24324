// The text of hal-mcp 1.0.14's `list-secrets` tool: placeholder names grouped by
// namespace with their URL restrictions, never a value. Scripts and agents read it,
// so it is reproduced line for line (the differential suite compares it).
import type { HalSecrets } from './hal-secrets.ts';

const NONE_CONFIGURED = [
  'No secrets are currently configured. To add secrets, set environment variables with the HAL_SECRET_ prefix.',
  '',
  'Example:',
  '  HAL_SECRET_API_KEY=your_api_key',
  '  HAL_SECRET_TOKEN=your_token',
  '',
  'Then use them in requests like: {secrets.api_key} or {secrets.token}',
  '',
  'For namespaced secrets with URL restrictions:',
  '  HAL_SECRET_MICROSOFT_API_KEY=your_api_key',
  '  HAL_ALLOW_MICROSOFT="https://azure.microsoft.com/*"',
  '  Usage: {secrets.microsoft.api_key}',
].join('\n');

function numbered(names: readonly string[]): string[] {
  return names.map((name, index) => `${index + 1}. {secrets.${name}}`);
}

export function listSecretsText(secrets: HalSecrets): string {
  const names = [...secrets.byName.keys()];
  if (names.length === 0) return NONE_CONFIGURED;

  const unrestricted: string[] = [];
  const byNamespace = new Map<string, string[]>();
  for (const [name, secret] of secrets.byName) {
    if (secret.namespace === undefined) {
      unrestricted.push(name);
      continue;
    }
    const group = secret.namespace.toLowerCase().replaceAll('-', '.');
    byNamespace.set(group, [...(byNamespace.get(group) ?? []), name]);
  }

  const lines = [`Available secrets (${names.length} total):`, ''];
  if (unrestricted.length > 0) {
    lines.push('**Unrestricted Secrets** (can be used with any URL):', ...numbered(unrestricted), '');
  }
  for (const [group, members] of byNamespace) {
    // The group's restriction is read off its first secret, as hal-mcp does.
    const allowed = secrets.byName.get(members[0]!)!.allowedUrls;
    lines.push(`**Namespace: ${group}**`);
    lines.push(allowed !== undefined && allowed.length > 0 ? `Restricted to URLs: ${allowed.join(', ')}` : 'No URL restrictions (can be used with any URL)');
    lines.push('Secrets:', ...numbered(members), '');
  }
  const example = names[0]!;
  const userExample = names.find((name) => name.includes('user')) ?? 'username';
  lines.push(
    '**Usage examples:**',
    `- URL: "https://api.example.com/data?token={secrets.${example}}"`,
    `- Header: {"Authorization": "Bearer {secrets.${example}}"}`,
    `- Body: {"username": "{secrets.${userExample}}"}`,
    '',
    '**Security Notes:**',
    '- Only the key names are shown here. The actual secret values are never exposed to the AI.',
    '- Secrets are substituted securely at request time.',
  );
  const restricted = secrets.restrictedCount;
  if (restricted > 0) {
    lines.push(
      `- ${restricted} secrets have URL restrictions for enhanced security.`,
      '- If a secret is restricted, it will only work with URLs matching its allowed patterns.',
    );
  }
  return `${lines.join('\n')}\n`;
}
