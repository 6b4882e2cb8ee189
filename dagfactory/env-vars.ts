/**
 * Environment variables in a YAML file's text, expanded before it is parsed. dag-factory uses Python's
 * `os.path.expandvars`: `$VAR` and `${VAR}`, an unknown variable left as written. Updraft adds `${VAR:-default}`
 * (the default when VAR is unset or empty) and `${VAR-default}` (when unset).
 */
export function expandEnvVars(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$(\w+|\{([^}]*)\})/g, (match: string, bare: string, braced: string | undefined) => {
    if (braced === undefined) return env[bare] ?? match;
    const withDefault = /^(\w+)(:?-)(.*)$/s.exec(braced);
    if (withDefault) {
      const [, name, operator, fallback] = withDefault;
      const value = env[name];
      return (operator === ":-" ? value : value !== undefined) ? (value as string) : fallback;
    }
    return env[braced] ?? match;
  });
}
