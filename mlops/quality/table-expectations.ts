import { betweenEvaluation, ExpectationError, type ExpectationImpl } from "./expectation.ts";

export const TABLE_EXPECTATIONS: Record<string, ExpectationImpl> = {
  expect_column_to_exist: (batch, kwargs) => {
    if (typeof kwargs.column !== "string") throw new ExpectationError(`"column" is required.`);
    const index = batch.columns.indexOf(kwargs.column);
    // GE's quirk: column_index 0 is falsy, so it is not checked.
    const wanted = kwargs.column_index;
    const success = index >= 0 && (!wanted || index === wanted);
    return { success, result: {} };
  },
  expect_table_row_count_to_be_between: (batch, kwargs) => betweenEvaluation(batch.rows.length, kwargs),
  expect_table_row_count_to_equal: (batch, kwargs) => {
    if (typeof kwargs.value !== "number") throw new ExpectationError(`"value" must be a number.`);
    return { success: batch.rows.length === kwargs.value, result: { observed_value: batch.rows.length } };
  },
  expect_table_column_count_to_be_between: (batch, kwargs) => betweenEvaluation(batch.columns.length, kwargs),
  expect_table_column_count_to_equal: (batch, kwargs) => ({ success: batch.columns.length === kwargs.value, result: { observed_value: batch.columns.length } }),
  expect_table_columns_to_match_ordered_list: (batch, kwargs) => {
    const expected = kwargs.column_list;
    if (expected === null || expected === undefined) return { success: true, result: { observed_value: batch.columns } };
    if (!Array.isArray(expected)) throw new ExpectationError(`"column_list" must be a list.`);
    if (expected.length === batch.columns.length && expected.every((c, i) => c === batch.columns[i])) return { success: true, result: { observed_value: batch.columns } };
    const mismatched = [];
    for (let i = 0; i < Math.max(expected.length, batch.columns.length); i++) {
      if (expected[i] !== batch.columns[i]) mismatched.push({ "Expected Column Position": i, Expected: expected[i] ?? null, Found: batch.columns[i] ?? null });
    }
    return { success: false, result: { observed_value: batch.columns, details: { mismatched } } };
  },
  expect_table_columns_to_match_set: (batch, kwargs) => {
    const expected = kwargs.column_set;
    const observed = [...batch.columns].sort();
    if (expected === null || expected === undefined) return { success: true, result: { observed_value: observed } };
    if (!Array.isArray(expected)) throw new ExpectationError(`"column_set" must be a list.`);
    const exact = kwargs.exact_match ?? true;
    const unexpected = batch.columns.filter((c) => !expected.includes(c));
    const missing = expected.filter((c) => !batch.columns.includes(c as string));
    const success = missing.length === 0 && (!exact || unexpected.length === 0);
    const mismatched: Record<string, unknown[]> = {};
    if (unexpected.length && exact) mismatched.unexpected = unexpected;
    if (missing.length) mismatched.missing = missing;
    return { success, result: success ? { observed_value: observed } : { observed_value: observed, details: { mismatched } } };
  },
};
