/**
 * Business logic of phase11_01_dag_testing, kept apart from the DAG so it can be unit-tested without running
 * anything (see test/example-phase11-dag-testing.test.ts).
 */
export interface LineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export function validateItems(items: readonly LineItem[]): string[] {
  const problems: string[] = [];
  items.forEach((item, i) => {
    if (!item.sku) problems.push(`item ${i}: missing sku`);
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) problems.push(`item ${i}: quantity must be a positive integer`);
    if (!(item.unitPrice >= 0)) problems.push(`item ${i}: unitPrice must be ≥ 0`);
  });
  return problems;
}

export function orderTotal(items: readonly LineItem[], discountRate = 0): number {
  const gross = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return Math.round(gross * (1 - discountRate) * 100) / 100;
}
