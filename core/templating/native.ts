/**
 * Airflow's `render_template_as_native_obj` turns rendered text back into a value with Python's `literal_eval`.
 * Updraft prints lists and objects as JSON, so the inverse is `JSON.parse`; Python's `True`, `False` and `None`
 * are accepted too. Text that is not a literal stays text. As in Airflow this applies to every string of a
 * templated field, even one without `{{ }}`: `"42"` becomes `42`.
 */
export function toNativeValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "True") return true;
  if (trimmed === "False") return false;
  if (trimmed === "None") return null;
  if (trimmed === "") return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}
