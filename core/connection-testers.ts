import type { ConnectionInfo } from "./types.ts";

/** What testing a connection found: Airflow's `(status, message)` from a hook's test_connection(). */
export interface ConnectionTestResult {
  status: boolean;
  message: string;
}

export type ConnectionTester = (connection: ConnectionInfo) => Promise<ConnectionTestResult>;

const testers = new Map<string, ConnectionTester>();

/** Lets `connections test` and the REST testConnection check connections of this type (a provider's hook registers). */
export function registerConnectionTester(connType: string, tester: ConnectionTester): void {
  testers.set(connType, tester);
}

export function connectionTesterFor(connType: string): ConnectionTester | undefined {
  return testers.get(connType);
}

export function testableConnectionTypes(): string[] {
  return [...testers.keys()].sort();
}

/** Tests a connection; never throws (a failure is a result with its reason). */
export async function testConnection(connection: ConnectionInfo): Promise<ConnectionTestResult> {
  const tester = testers.get(connection.connType);
  if (!tester) {
    const known = testableConnectionTypes();
    return { status: false, message: `Testing connections of type "${connection.connType}" is not supported${known.length ? ` (testable types: ${known.join(", ")})` : ""}.` };
  }
  try {
    return await tester(connection);
  } catch (error) {
    return { status: false, message: (error as Error).message };
  }
}
