import { describe, expect, it } from "vitest";
import { canAccessDag, canAccessDagEntity, isAuthorized, permissionsOf, Resource } from "../webserver/auth/permissions.ts";

// Airflow 2.10's default roles (FAB security manager): Viewer reads, User also changes DAGs, runs and task instances,
// Op also manages connections, pools and variables, Admin may do everything, Public nothing.
describe("roles and permissions", () => {
  it("gives each role Airflow's permissions, each role those of the roles below it", () => {
    expect(isAuthorized("Viewer", "can_read", Resource.DAG)).toBe(true);
    expect(isAuthorized("Viewer", "can_edit", Resource.DAG)).toBe(false);
    expect(isAuthorized("Viewer", "can_read", Resource.AUDIT_LOG)).toBe(true);
    expect(isAuthorized("Viewer", "can_read", Resource.VARIABLE)).toBe(false);
    expect(isAuthorized("User", "can_create", Resource.DAG_RUN)).toBe(true);
    expect(isAuthorized("User", "can_edit", Resource.TASK_INSTANCE)).toBe(true);
    expect(isAuthorized("User", "can_read", Resource.CONNECTION)).toBe(false);
    expect(isAuthorized("Op", "can_delete", Resource.POOL)).toBe(true);
    expect(isAuthorized("Op", "can_read", Resource.CONFIG)).toBe(true);
    expect(isAuthorized("Op", "can_read", Resource.USER)).toBe(false);
    expect(isAuthorized("Admin", "can_delete", Resource.USER)).toBe(true);
    expect(isAuthorized("Admin", "can_read", Resource.TRIGGER)).toBe(true);
    expect(permissionsOf("Public")).toEqual([]);
    expect(isAuthorized("NoSuchRole", "can_read", Resource.DAG)).toBe(false);
    for (const [action, resource] of permissionsOf("Viewer")) expect(isAuthorized("User", action, resource)).toBe(true);
    for (const [action, resource] of permissionsOf("User")) expect(isAuthorized("Op", action, resource)).toBe(true);
    for (const [action, resource] of permissionsOf("Op")) expect(isAuthorized("Admin", action, resource)).toBe(true);
  });

  it("lets a DAG grant a role access to it alone (access_control, flat and nested forms)", () => {
    expect(canAccessDag("Public", "can_read", null)).toBe(false);
    expect(canAccessDag("Public", "can_read", { Public: ["can_read"] })).toBe(true);
    expect(canAccessDag("Public", "can_edit", { Public: ["can_read"] })).toBe(false);
    expect(canAccessDag("Public", "can_read", { Public: ["can_edit"] })).toBe(true);
    expect(canAccessDag("Public", "can_edit", { Public: { DAGs: ["can_edit"] } })).toBe(true);
    expect(canAccessDag("Viewer", "can_edit", { Op: ["can_edit"] })).toBe(false);
    expect(canAccessDag("Viewer", "can_read", {})).toBe(true);
  });

  it("needs both the permission on the kind of thing and access to its DAG", () => {
    expect(canAccessDagEntity("User", "POST", Resource.DAG_RUN, null)).toBe(true);
    expect(canAccessDagEntity("Viewer", "POST", Resource.DAG_RUN, null)).toBe(false);
    expect(canAccessDagEntity("Viewer", "GET", Resource.TASK_LOG, null)).toBe(true);
    // Public may edit this DAG but has no permission on DAG runs at all.
    expect(canAccessDagEntity("Public", "POST", Resource.DAG_RUN, { Public: ["can_edit"] })).toBe(false);
  });
});
