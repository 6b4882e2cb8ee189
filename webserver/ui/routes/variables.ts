import type express from "express";
import type { Response } from "express";
import { RequestError } from "../../../core/runs/request-error.ts";
import { recordEvent } from "../../../core/store/queries/event-log.ts";
import { deleteVariable, getVariable, setVariable } from "../../../core/store/queries/variables.ts";
import { Resource } from "../../auth/permissions.ts";
import { HIDDEN, isSensitive } from "../../resource-rules.ts";
import { page, param, redirectWith, requirePermission, resourceAbilities, UiError, userOf, type UiContext } from "../context.ts";
import { bodyOf, changeOrReshow, raw, text } from "../form.ts";
import { getVariableForUi, listVariables } from "../queries/admin.ts";
import { renderPage } from "../render.ts";

const V = Resource.VARIABLE;
const hidden = (v: { key: string; is_encrypted: boolean }) => isSensitive(v.key) || v.is_encrypted;

interface VariableForm {
  key: string;
  value: string;
  description: string;
}

/**
 * Variables: list, add, edit, delete, as the REST API does them (same store functions, same event-log entries). A value
 * that is hidden on the list (its key looks secret) is never put into a form: its edit form has an empty value field,
 * and an empty value there keeps the stored one.
 */
export function variableRoutes(router: express.Router, ctx: UiContext): void {
  const showForm = (res: Response, form: VariableForm, extra: { creating?: boolean; masked?: boolean; error?: string } = {}, status = 200) =>
    renderPage(res, "variable-form", extra.creating ? "Add variable" : `Edit variable ${form.key}`, { form, ...extra }, status);

  const requireVariable = async (key: string) => {
    const found = await getVariableForUi(ctx.db, key);
    if (!found) throw new UiError(404, `Variable "${key}" does not exist.`);
    return found;
  };

  router.get("/variables", page(async (_req, res) => {
    requirePermission(res, "can_read", V);
    const variables = (await listVariables(ctx.db)).map((v) => ({ ...v, shown: hidden(v) ? HIDDEN : v.val }));
    renderPage(res, "variables", "Variables", { variables, can: resourceAbilities(res, V) });
  }));

  router.get("/variables/new", page(async (_req, res) => {
    requirePermission(res, "can_create", V);
    showForm(res, { key: "", value: "", description: "" }, { creating: true });
  }));

  router.post("/variables", page(async (req, res) => {
    requirePermission(res, "can_create", V);
    const body = bodyOf(req);
    const form = { key: text(body, "key"), value: raw(body, "value"), description: text(body, "description") };
    await changeOrReshow(async () => {
      if (!form.key) throw new RequestError(400, "The key is empty: give the variable a key (e.g. region).");
      await ctx.db.transaction(async (tx) => {
        if (await getVariable(tx, form.key)) throw new RequestError(409, `Variable "${form.key}" already exists: edit it from the list instead, or choose another key.`);
        await setVariable(tx, { key: form.key, val: form.value, description: form.description || null });
        await recordEvent(tx, { event: "variable.create", owner: userOf(res).username, extra: JSON.stringify({ key: form.key }) });
      });
      redirectWith(res, "/variables", "info", `Variable "${form.key}" added.`);
    }, (error, status) => {
      // A secret-looking value is not sent back, even the one just typed.
      const masked = isSensitive(form.key);
      showForm(res, { ...form, value: masked ? "" : form.value }, { creating: true, error: masked && form.value ? `${error} Type the value again.` : error }, status);
    });
  }));

  router.get("/variables/:key/edit", page(async (req, res) => {
    requirePermission(res, "can_edit", V);
    const current = await requireVariable(param(req, "key"));
    const masked = hidden(current);
    showForm(res, { key: current.key, value: masked ? "" : current.val, description: current.description ?? "" }, { masked });
  }));

  router.post("/variables/:key", page(async (req, res) => {
    requirePermission(res, "can_edit", V);
    const current = await requireVariable(param(req, "key"));
    const body = bodyOf(req);
    const given = raw(body, "value");
    // A hidden value's form came empty: empty means "keep it".
    const val = hidden(current) && given === "" ? current.val : given;
    await ctx.db.transaction(async (tx) => {
      await setVariable(tx, { key: current.key, val, description: text(body, "description") || null });
      await recordEvent(tx, { event: "variable.edit", owner: userOf(res).username, extra: JSON.stringify({ key: current.key }) });
    });
    redirectWith(res, "/variables", "info", `Variable "${current.key}" saved.`);
  }));

  router.post("/variables/:key/delete", page(async (req, res) => {
    requirePermission(res, "can_delete", V);
    const key = param(req, "key");
    await ctx.db.transaction(async (tx) => {
      if (!(await deleteVariable(tx, key))) throw new RequestError(404, `Variable "${key}" does not exist.`);
      await recordEvent(tx, { event: "variable.delete", owner: userOf(res).username, extra: JSON.stringify({ key }) });
    });
    redirectWith(res, "/variables", "info", `Variable "${key}" deleted.`);
  }));
}
