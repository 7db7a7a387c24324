// Reading telemetry files: bounded in size, never throwing. Every way a file can be
// unusable (missing, a folder, empty, binary, not UTF-8, not JSON, cut short, huge)
// becomes one problem line that says what is wrong.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Real telemetry is a few KiB; anything this big is a runaway writer, not telemetry. */
export const MAX_TELEMETRY_BYTES = 5 * 1024 * 1024;
const READ_CHUNK = 256 * 1024;

export interface ReadResult {
  ok: boolean;
  problems: string[];
  /** The parsed JSON when ok. */
  data?: unknown;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function tooBig(size: number): ReadResult {
  return {
    ok: false,
    problems: [
      `file is ${mib(size)}, over the ${mib(MAX_TELEMETRY_BYTES)} limit for telemetry; refusing to read it (a guardrail wrote far more than telemetry, check what it appended)`,
    ],
  };
}

function ioProblem(error: unknown): ReadResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT'
      ? 'file not found; check the path, or whether the guardrail wrote its telemetry at all'
      : code === 'EACCES' || code === 'EPERM'
        ? 'file is not readable (permission denied); fix its permissions'
        : code === 'EISDIR'
          ? 'is a folder, not a file; point at a telemetry file (check-telemetry searches folders)'
          : `could not read the file (${code ?? (error instanceof Error ? error.message : String(error))})`;
  return { ok: false, problems: [message] };
}

/** Turns the bytes of a telemetry file into JSON, or into one problem line saying what is wrong. */
export function parseTelemetryBytes(bytes: Uint8Array): ReadResult {
  if (bytes.length === 0) {
    return { ok: false, problems: ['file is empty; the guardrail created it but wrote nothing (killed mid-write?)'] };
  }
  if (bytes.length > MAX_TELEMETRY_BYTES) return tooBig(bytes.length);
  if (bytes.includes(0)) {
    return { ok: false, problems: ['file contains NUL bytes: binary data, not JSON text'] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: ['file is not valid UTF-8 text (binary data?); telemetry must be UTF-8 JSON'] };
  }
  // TextDecoder already drops a leading BOM; a file of only whitespace is as good as empty.
  if (text.trim() === '') {
    return { ok: false, problems: ['file holds only whitespace; the guardrail wrote no JSON'] };
  }
  try {
    return { ok: true, problems: [], data: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    // V8 reports the offset where parsing stopped; at the very end means the text was cut.
    const atEnd = position === null ? /end of JSON input/.test(message) : Number(position[1]) >= text.trimEnd().length;
    if (atEnd) {
      return {
        ok: false,
        problems: [`invalid JSON: the text ends early (truncated? the writer may have been killed mid-write): ${message}`],
      };
    }
    return { ok: false, problems: [`invalid JSON: ${message}`] };
  }
}

/** Reads and parses a telemetry file. Never throws: every failure becomes a problem line. */
export async function readTelemetryFile(path: string): Promise<ReadResult> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return ioProblem(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (info.size > MAX_TELEMETRY_BYTES) return tooBig(info.size);
    const handle = await open(path, 'r');
    try {
      // Read in chunks up to one byte past the limit, so a file that grew after stat() is still refused.
      const chunks: Buffer[] = [];
      let total = 0;
      while (total <= MAX_TELEMETRY_BYTES) {
        const chunk = Buffer.alloc(Math.min(READ_CHUNK, MAX_TELEMETRY_BYTES + 1 - total));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      return parseTelemetryBytes(Buffer.concat(chunks, total));
    } finally {
      await handle.close();
    }
  } catch (error) {
    return ioProblem(error);
  }
}

/** Synchronous twin of readTelemetryFile for callers that cannot await. Never throws. */
export function readTelemetryFileSync(path: string): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    if (info.isDirectory()) return ioProblem(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (info.size > MAX_TELEMETRY_BYTES) return tooBig(info.size);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= MAX_TELEMETRY_BYTES) {
      const chunk = Buffer.alloc(Math.min(READ_CHUNK, MAX_TELEMETRY_BYTES + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return parseTelemetryBytes(Buffer.concat(chunks, total));
  } catch (error) {
    return ioProblem(error);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing useful to do: the read result is already decided.
      }
    }
  }
}
