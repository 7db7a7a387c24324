// What a harness run uses when the caller says nothing: the guardrail repository, the
// SPEC-ID, the Cargo manifest, and the variable the run's API key travels in.
export { REFERENCE_GUARDRAILS_DIR } from '../../common/package-root.ts';

export const DEFAULT_SPEC_ID = 'SPEC-KIT-018';
export const DEFAULT_MANIFEST = 'codex-rs/Cargo.toml';
export const SECRET_ENV = 'HAL_SECRET_KAVEDARR_API_KEY';
/** call_tool's timeout in scenarios that hang: long enough for a slow machine, short enough for a matrix. */
export const HANG_CALL_TIMEOUT_SECONDS = 3;
