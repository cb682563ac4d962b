/**
 * The environment of the acceptance command (SPEC §10): a minimal one, never the service's own.
 *
 * The command gets `PATH`, `HOME`, `LANG`, `LC_ALL`, `TZ`, `TMPDIR` (each when set), the names an
 * operator lists in `LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH`, and the three variables of SPEC §7
 * (`CONNECTOR_ID`, `CONNECTOR_IMAGE`, `ACCEPTANCE_REPORT_DIR`, set by the runner). Nothing else:
 * not `REDIS_URL`, not a token, not any `LIFECYCLE_*` setting.
 */

/** Passed through from the service's environment when set. */
export const BASE_ENVIRONMENT_NAMES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** Set by the runner for every run; a passthrough of these names is pointless and refused. */
export const RUN_VARIABLE_NAMES = ['CONNECTOR_ID', 'CONNECTOR_IMAGE', 'ACCEPTANCE_REPORT_DIR'];

/** The service's own settings: never passed to the command, whatever the passthrough list says. */
export function isServiceSetting(name: string, settingNames: readonly string[]): boolean {
  return name.startsWith('LIFECYCLE_') || settingNames.includes(name);
}

/** The base environment of the command: the names above that are set in `source`. */
export function acceptanceEnvironment(
  source: Record<string, string | undefined>,
  passthrough: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENVIRONMENT_NAMES, ...passthrough]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
