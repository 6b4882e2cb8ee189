import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { orderByClause, pageOf } from "../../core/store/queries/order-by.ts";
import { deleteVariable, getVariable, listVariables, setVariable, VARIABLE_ORDER_COLUMNS } from "../../core/store/queries/variables.ts";
import { Resource } from "../auth/permissions.ts";
import { audit, list, str } from "./call-values.ts";
import { NO_CONTENT, route } from "./route.ts";
import { variableItemJson, variableJson as unmaskedVariableJson } from "./resource-serializers.ts";
import { redactJson } from "../../core/masking/secrets-masker.ts";
import type { VariableRow } from "../../core/store/queries/variables.ts";

/** A variable as answered: the value of one whose key names a secret (password, token, api_key…) is `***`, as Airflow masks it. */
const variableJson = (v: VariableRow) => {
  const json = unmaskedVariableJson(v);
  return { ...json, value: redactJson(json.value, v.key) };
};

const V = Resource.VARIABLE;

async function requireVariable(db: Database, key: string) {
  const variable = await getVariable(db, key);
  if (!variable) throw new RequestError(404, `Variable "${key}" does not exist (GET /variables lists them).`);
  return variable;
}

/** Variables: list, get, create, update (with update_mask), delete. Every change goes to the event log. */
export function variablesRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_variables", { resource: V, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const { variables, total } = await listVariables(db, orderByClause(call.query.order_by, VARIABLE_ORDER_COLUMNS, "key", "key"), limit, offset);
    return { variables: variables.map(variableItemJson), total_entries: total };
  });

  route(router, db, "get_variable", { resource: V, action: "can_read" }, async (call) => {
    const variable = await requireVariable(db, call.params.variable_key);
    await audit(db, call, "variable.read", { extra: JSON.stringify({ key: variable.key }) });
    return variableJson(variable);
  });

  route(router, db, "post_variables", { resource: V, action: "can_create" }, async (call) => {
    const key = str(call.body, "key");
    const value = str(call.body, "value");
    if (!key || value === null) throw new RequestError(400, 'Give "key" and "value" (a string).');
    const saved = await db.transaction(async (tx) => {
      const v = await setVariable(tx, { key, val: value, description: str(call.body, "description") });
      await audit(tx, call, "variable.create", { extra: JSON.stringify({ key }) });
      return v;
    });
    return variableJson(saved);
  });

  route(router, db, "patch_variable", { resource: V, action: "can_edit" }, async (call) => {
    const key = call.params.variable_key;
    const current = await requireVariable(db, key);
    if (call.body.key !== undefined && call.body.key !== key) throw new RequestError(400, `The key in the body ("${String(call.body.key)}") differs from the key in the path ("${key}"): a variable cannot be renamed.`);
    const mask = list(call.query, "update_mask");
    const unknown = mask.filter((f) => f !== "value" && f !== "description");
    if (unknown.length) throw new RequestError(400, `update_mask may name value and description only, not ${unknown.join(", ")}.`);
    const wants = (f: string) => (mask.length ? mask.includes(f) : call.body[f] !== undefined);
    const value = wants("value") ? str(call.body, "value") : current.val;
    if (value === null) throw new RequestError(400, '"value" must be a string.');
    const description = wants("description") ? str(call.body, "description") : current.description;
    const saved = await db.transaction(async (tx) => {
      const v = await setVariable(tx, { key, val: value, description });
      await audit(tx, call, "variable.edit", { extra: JSON.stringify({ key }) });
      return v;
    });
    return variableJson(saved);
  });

  route(router, db, "delete_variable", { resource: V, action: "can_delete" }, async (call) => {
    const key = call.params.variable_key;
    await db.transaction(async (tx) => {
      if (!(await deleteVariable(tx, key))) throw new RequestError(404, `Variable "${key}" does not exist.`);
      await audit(tx, call, "variable.delete", { extra: JSON.stringify({ key }) });
    });
    return NO_CONTENT;
  });
}
