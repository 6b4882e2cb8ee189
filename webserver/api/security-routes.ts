import type express from "express";
import { RequestError } from "../../core/runs/request-error.ts";
import type { Database } from "../../core/store/database.ts";
import { pageOf } from "../../core/store/queries/order-by.ts";
import { deleteUser, getUser, insertUser, listUsers, updateUser, type UserRow } from "../../core/store/queries/users.ts";
import { didYouMean } from "../../core/suggest.ts";
import { hashPassword } from "../auth/passwords.ts";
import { isRoleName, permissionsOf, Resource, ROLES } from "../auth/permissions.ts";
import { audit, list, str } from "./call-values.ts";
import { iso } from "./serializers.ts";
import { NO_CONTENT, route } from "./route.ts";

const roleJson = (name: string) => ({
  name,
  actions: permissionsOf(name).map(([action, resource]) => ({ action: { name: action }, resource: { name: resource } })),
});

const userJson = (u: UserRow) => ({
  first_name: u.first_name, last_name: u.last_name, username: u.username, email: u.email, active: u.active,
  last_login: iso(u.last_login), login_count: null, failed_login_count: null, roles: [{ name: u.role }], created_on: iso(u.created_on), changed_on: null,
});

/** The one role of a user, from the spec's `roles` list (Updraft gives each user one role). */
function roleFrom(body: Record<string, unknown>): string {
  const roles = body.roles as Array<{ name?: unknown } | null> | undefined;
  if (!Array.isArray(roles) || roles.length !== 1 || typeof roles[0]?.name !== "string") {
    throw new RequestError(400, `Give exactly one role: "roles": [{"name": "Viewer"}] (Updraft users have one role: ${ROLES.join(", ")}).`);
  }
  const name = roles[0].name;
  if (!isRoleName(name)) throw new RequestError(400, `Unknown role "${name}": use one of ${ROLES.join(", ")}.${didYouMean(name, ROLES)}`);
  return name;
}

/**
 * Roles and permissions (read-only: Updraft's roles are Airflow's five defaults, fixed in code) and users, as the
 * deprecated v1 endpoints of Airflow 2's FAB auth manager. Only Admin has the Users and Roles permissions.
 */
export function securityRoutes(router: express.Router, db: Database): void {
  route(router, db, "get_roles", { resource: Resource.ROLE, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = str(call.query, "order_by") ?? "name";
    if (order.replace(/^-/, "") !== "name") throw new RequestError(400, `Ordering with "${order}" is disallowed: use name or -name.`);
    const names = [...ROLES].sort();
    if (order.startsWith("-")) names.reverse();
    return { roles: names.slice(offset, offset + limit).map(roleJson), total_entries: names.length };
  });

  route(router, db, "get_role", { resource: Resource.ROLE, action: "can_read" }, async (call) => {
    const name = call.params.role_name;
    if (!isRoleName(name)) throw new RequestError(404, `No role "${name}": the roles are ${ROLES.join(", ")}.${didYouMean(name, ROLES)}`);
    return roleJson(name);
  });

  route(router, db, "get_permissions", { resource: Resource.ROLE, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const actions = ["can_create", "can_read", "can_edit", "can_delete"];
    return { actions: actions.slice(offset, offset + limit).map((name) => ({ name })), total_entries: actions.length };
  });

  // The five roles are fixed in code (webserver/auth/permissions.ts): changing them is refused with a clear 400.
  const fixed = async () => {
    throw new RequestError(400, `Updraft's roles are Airflow's five defaults (${ROLES.join(", ")}) and cannot be created, changed or deleted; give users one of them, and narrow or widen access per DAG with its accessControl.`);
  };
  route(router, db, "post_role", { resource: Resource.ROLE, action: "can_create" }, fixed);
  route(router, db, "patch_role", { resource: Resource.ROLE, action: "can_edit" }, fixed);
  route(router, db, "delete_role", { resource: Resource.ROLE, action: "can_delete" }, fixed);

  route(router, db, "get_users", { resource: Resource.USER, action: "can_read" }, async (call) => {
    const { limit, offset } = pageOf(call.query);
    const order = str(call.query, "order_by") ?? "id";
    const field = order.replace(/^-/, "");
    const fields: Record<string, (u: UserRow) => string | number> = { id: (u) => u.id, username: (u) => u.username, email: (u) => u.email, first_name: (u) => u.first_name, last_name: (u) => u.last_name };
    const key = fields[field];
    if (!key) throw new RequestError(400, `Ordering with "${field}" is disallowed: use one of ${Object.keys(fields).join(", ")}.`);
    const users = (await listUsers(db)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (order.startsWith("-") ? -1 : 1));
    return { users: users.slice(offset, offset + limit).map(userJson), total_entries: users.length };
  });

  route(router, db, "get_user", { resource: Resource.USER, action: "can_read" }, async (call) => {
    const user = await getUser(db, call.params.username);
    if (!user) throw new RequestError(404, `No user "${call.params.username}".`);
    return userJson(user);
  });

  route(router, db, "post_user", { resource: Resource.USER, action: "can_create" }, async (call) => {
    const body = call.body;
    const username = str(body, "username");
    const password = str(body, "password");
    if (!username || !password) throw new RequestError(400, 'Give "username", "email", "first_name", "last_name", "roles" and "password".');
    const user = { username, email: str(body, "email") ?? "", first_name: str(body, "first_name") ?? "", last_name: str(body, "last_name") ?? "", role: roleFrom(body) };
    const created = await db.transaction(async (tx) => {
      const row = await insertUser(tx, { ...user, password_hash: await hashPassword(password) });
      if (!row) throw new RequestError(409, `User "${username}" already exists.`);
      await audit(tx, call, "user.create", { extra: JSON.stringify({ username, role: user.role }) });
      return row;
    });
    return userJson(created);
  });

  route(router, db, "patch_user", { resource: Resource.USER, action: "can_edit" }, async (call) => {
    const current = await getUser(db, call.params.username);
    if (!current) throw new RequestError(404, `No user "${call.params.username}".`);
    const mask = list(call.query, "update_mask");
    const take = (f: string) => (mask.length ? mask.includes(f) : call.body[f] !== undefined);
    const next = {
      username: take("username") ? (str(call.body, "username") ?? current.username) : current.username,
      email: take("email") ? (str(call.body, "email") ?? "") : current.email,
      first_name: take("first_name") ? (str(call.body, "first_name") ?? "") : current.first_name,
      last_name: take("last_name") ? (str(call.body, "last_name") ?? "") : current.last_name,
      role: take("roles") ? roleFrom(call.body) : current.role,
    };
    const password = take("password") ? str(call.body, "password") : null;
    const updated = await db.transaction(async (tx) => {
      const row = await updateUser(tx, current.username, next, password ? await hashPassword(password) : null);
      await audit(tx, call, "user.edit", { extra: JSON.stringify({ username: current.username, role: next.role }) });
      return row!;
    });
    return userJson(updated);
  });

  route(router, db, "delete_user", { resource: Resource.USER, action: "can_delete" }, async (call) => {
    const username = call.params.username;
    if (username === call.user.username) throw new RequestError(400, "You cannot delete yourself: log in as another Admin to do it.");
    await db.transaction(async (tx) => {
      if (!(await deleteUser(tx, username))) throw new RequestError(404, `No user "${username}".`);
      await audit(tx, call, "user.delete", { extra: JSON.stringify({ username }) });
    });
    return NO_CONTENT;
  });
}
