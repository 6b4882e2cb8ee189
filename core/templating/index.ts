export { templateVariables, type TemplateVariables } from "./variables.ts";
export type { TemplateLookups } from "./lookups.ts";
export { renderTemplate, renderTemplateFields, type RenderOptions } from "./render.ts";
export { TemplateError } from "./template-error.ts";
