import { describe, expect, it } from "vitest";
import type { TaskContext } from "../core/context.ts";
import { compileTemplate } from "../core/templating/compile.ts";
import {
  renderTemplate,
  renderTemplateFields,
  TemplateError,
  templateVariables,
  type TemplateLookups,
} from "../core/templating/index.ts";
import type { ConnectionInfo } from "../core/types.ts";
import { InletEventAccessors, OutletEventAccessors } from "../core/dataset-event-accessors.ts";

const LOGICAL_DATE = new Date("2024-01-01T00:00:00Z");
const INTERVAL_END = new Date("2024-01-02T00:00:00Z");
const RUN_ID = "scheduled__2024-01-01T00:00:00+00:00";

function taskContext(): TaskContext {
  return {
    dag: { dagId: "etl", owner: "data-team", tags: ["daily"], timezone: "UTC" },
    task: { taskId: "load", operator: "BashOperator", retries: 2, queue: "default", pool: "default_pool" },
    dagRun: {
      dagId: "etl",
      runId: RUN_ID,
      runType: "scheduled",
      logicalDate: LOGICAL_DATE,
      dataIntervalStart: LOGICAL_DATE,
      dataIntervalEnd: INTERVAL_END,
      externalTrigger: false,
      conf: { x: "from-run-conf" },
      state: "running",
      startDate: new Date("2024-01-02T00:05:00Z"),
    },
    ti: {
      dagId: "etl",
      runId: RUN_ID,
      taskId: "load",
      mapIndex: -1,
      tryNumber: 2,
      maxTries: 3,
      state: "running",
      startDate: new Date("2024-01-02T00:06:00Z"),
      xcomPull: async () => undefined,
      xcomPush: async () => {},
    },
    runId: RUN_ID,
    logicalDate: LOGICAL_DATE,
    dataIntervalStart: LOGICAL_DATE,
    dataIntervalEnd: INTERVAL_END,
    prevExecutionDate: new Date("2023-12-31T00:00:00Z"),
    nextExecutionDate: INTERVAL_END,
    prevSuccess: null,
    params: { name: "world", n: 5, list: [1, "two"], html: `<a href="x">'&'</a>` },
    mapIndex: -1,
    expandedTiCount: null,
    triggeringDatasetEvents: {},
    outletEvents: new OutletEventAccessors(),
    inletEvents: new InletEventAccessors([], async () => []),
    testMode: false,
    variables: { get: async () => undefined, getJson: async () => undefined },
    connections: {
      get: async () => {
        throw new Error("templates read connections through TemplateLookups");
      },
    },
    log: { info() {}, warn() {}, error() {}, debug() {} },
    signal: new AbortController().signal,
  };
}

const vars = templateVariables(taskContext());

interface RecordingLookups extends TemplateLookups {
  calls: { variable: string[]; connection: string[]; xcomPull: unknown[] };
}

function recordingLookups(
  store: { variables?: Record<string, string>; connections?: Record<string, ConnectionInfo>; xcoms?: (args: unknown) => unknown } = {},
): RecordingLookups {
  const calls = { variable: [] as string[], connection: [] as string[], xcomPull: [] as unknown[] };
  return {
    calls,
    async variable(key) {
      calls.variable.push(key);
      return store.variables?.[key];
    },
    async connection(connId) {
      calls.connection.push(connId);
      return store.connections?.[connId];
    },
    async xcomPull(args) {
      calls.xcomPull.push(args);
      return store.xcoms?.(args);
    },
  };
}

const render = (template: string, lookups: TemplateLookups = recordingLookups()) => renderTemplate(template, vars, lookups);

async function renderError(template: string, lookups: TemplateLookups = recordingLookups()): Promise<TemplateError> {
  const error = await render(template, lookups).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TemplateError);
  return error as TemplateError;
}

describe("template variables", () => {
  it.each([
    ["{{ ds }}", "2024-01-01"],
    ["{{ ds_nodash }}", "20240101"],
    ["{{ ts }}", "2024-01-01T00:00:00+00:00"],
    ["{{ ts_nodash }}", "20240101T000000"],
    ["{{ ts_nodash_with_tz }}", "20240101T000000+0000"],
    ["{{ logical_date }}", "2024-01-01T00:00:00+00:00"],
    ["{{ execution_date }}", "2024-01-01T00:00:00+00:00"],
    ["{{ data_interval_start }}", "2024-01-01T00:00:00+00:00"],
    ["{{ data_interval_end }}", "2024-01-02T00:00:00+00:00"],
    ["{{ prev_ds }} {{ prev_ds_nodash }}", "2023-12-31 20231231"],
    ["{{ next_ds }} {{ next_ds_nodash }}", "2024-01-02 20240102"],
    ["{{ yesterday_ds }} {{ tomorrow_ds_nodash }}", "2023-12-31 20240102"],
    ["{{ run_id }}", RUN_ID],
    ["{{ dag_run.run_id }} {{ dag_run.run_type }} {{ dag_run.external_trigger }}", `${RUN_ID} scheduled false`],
    ["{{ dag_run.logical_date }}", "2024-01-01T00:00:00+00:00"],
    ["{{ dag_run.conf.x }}", "from-run-conf"],
    ["{{ params.name }}", "world"],
    ["{{ ti.try_number }}/{{ task_instance.max_tries }} {{ ti.map_index }}", "2/3 -1"],
    ["{{ task_instance_key_str }}", "etl__load__20240101"],
    ["{{ dag.dag_id }} {{ dag.owner }} {{ task.task_id }} {{ task.operator }}", "etl data-team load BashOperator"],
    ["{{ map_index }} {{ test_mode }}", "-1 false"],
  ])("%s renders %s", async (template, expected) => {
    expect(await render(template)).toBe(expected);
  });

  it("gives conf as Updraft's configuration view, not the run's conf", async () => {
    expect(await render("[{{ conf }}][{{ conf.x }}]")).toBe("[{}][]");
  });

  it("renders variables with no value, and unknown names, as empty text", async () => {
    expect(await render("[{{ prev_data_interval_start_success }}][{{ expanded_ti_count }}][{{ no_such_variable }}]")).toBe("[][][]");
  });

  it("keeps dates as Date objects for helpers and code", () => {
    expect(vars.logical_date).toEqual(LOGICAL_DATE);
    expect((vars.dag_run as Record<string, unknown>).data_interval_end).toEqual(INTERVAL_END);
    expect(vars.ti).toBe(vars.task_instance);
  });
});

describe("printing values", () => {
  it("prints lists and objects as JSON", async () => {
    expect(await render("{{ params.list }} {{ dag_run.conf }}")).toBe('[1,"two"] {"x":"from-run-conf"}');
  });

  it("prints dates inside JSON as isoformat", async () => {
    expect(await render("{{json dag_run}}")).toContain('"logical_date":"2024-01-01T00:00:00+00:00"');
  });

  it("does not HTML-escape, in text or values", async () => {
    expect(await render(`echo "<>&'" {{ params.html }} {{{ params.html }}}`)).toBe(`echo "<>&'" <a href="x">'&'</a> <a href="x">'&'</a>`);
  });

  it("reads only own properties, never prototypes", async () => {
    expect(await render("[{{ params.constructor }}][{{ params.__proto__ }}][{{ params.list.length }}]")).toBe("[][][2]");
  });

  it("sees the template's variables inside #each blocks", async () => {
    expect(await render("{{#each params.list}}{{ds}}:{{this}};{{/each}}")).toBe("2024-01-01:1;2024-01-01:two;");
  });

  it("keeps block params ahead of helpers with the same name", async () => {
    expect(await render("{{#each params.list as |upper|}}{{upper}},{{/each}}")).toBe("1,two,");
  });
});

describe("helpers (Airflow's macros and filters)", () => {
  it.each([
    ["{{ds_add ds 7}}", "2024-01-08"],
    ["{{ds_add ds -1}}", "2023-12-31"],
    ["{{ds_add '2024-02-28' 1}}", "2024-02-29"],
    ['{{ds_format ds "%Y-%m-%d" "%d/%m/%Y"}}', "01/01/2024"],
    ['{{ds_format "2024-03-05 14:07:09" "%Y-%m-%d %H:%M:%S" "%a %A %b %B %j %y %H%M%S %%"}}', "Tue Tuesday Mar March 065 24 140709 %"],
    ['{{ds_format "05/mar/24" "%d/%b/%y" "%Y-%m-%d"}}', "2024-03-05"],
    ['{{strftime data_interval_end "%Y/%m/%d"}}', "2024/01/02"],
    ["{{ts_nodash data_interval_end}} {{ds data_interval_end}} {{ts_nodash_with_tz data_interval_end}}", "20240102T000000 2024-01-02 20240102T000000+0000"],
    ["{{ds_nodash (ds_add ds 31)}}", "20240201"],
    ["{{datetime_diff_for_humans data_interval_end logical_date}}", "1 day after"],
    ["{{datetime_diff_for_humans logical_date data_interval_end}}", "1 day before"],
    ["{{upper params.name}} {{lower 'MiXed'}}", "WORLD mixed"],
    ["{{default params.missing 'fallback'}} {{default params.name 'fallback'}}", "fallback world"],
    ["{{json params.name}} {{tojson params.list}}", '"world" [1,"two"]'],
    ["{{#if (eq params.name 'world')}}yes{{else}}no{{/if}} {{#if (ne params.n 5)}}yes{{else}}no{{/if}}", "yes no"],
    ["{{#if (and params.name (or params.missing params.n))}}yes{{/if}} {{#if (not params.empty)}}empty{{/if}}", "yes empty"],
    ["{{macros.ds_add ds 2}}", "2024-01-03"],
  ])("%s renders %s", async (template, expected) => {
    expect(await render(template)).toBe(expected);
  });

  it.each([
    ["2024-01-01T00:00:05Z", "a few seconds after"],
    ["2024-01-01T00:01:30Z", "1 minute after"],
    ["2024-01-01T05:00:00Z", "5 hours after"],
    ["2024-01-14T00:00:00Z", "2 weeks after"],
    ["2024-02-10T00:00:00Z", "1 month after"],
    ["2024-02-28T00:00:00Z", "2 months after"],
    ["2025-02-04T00:00:00Z", "1 year after"],
    ["2023-12-29T00:00:00Z", "3 days before"],
  ])("datetime_diff_for_humans %s ts renders %s, as pendulum rounds", async (date, expected) => {
    expect(await render(`{{datetime_diff_for_humans "${date}" ts}}`)).toBe(expected);
  });

  it("datetime_diff_for_humans without a second date compares with now", async () => {
    expect(await render("{{datetime_diff_for_humans logical_date}}")).toMatch(/^\d+ years? ago$/);
  });

  it("uuid gives a new version 4 UUID each time", async () => {
    const [a, b] = ((await render("{{ uuid }} {{uuid}}")) as string).split(" ");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
  });

  it("ds_format names the text and format that do not match", async () => {
    const error = await renderError('{{ds_format ds "%d/%m/%Y" "%Y"}}');
    expect(error.message).toContain('"2024-01-01" does not match format "%d/%m/%Y"');
  });

  it("an unknown helper lists the helpers there are", async () => {
    const error = await renderError("{{ds_plus ds 1}}");
    expect(error.message).toMatch(/Missing helper: "ds_plus".*ds_add/);
  });
});

describe("variables, connections and XCom in templates", () => {
  const postgres: ConnectionInfo = {
    connId: "my_db",
    connType: "postgres",
    host: "db.internal",
    login: "etl",
    password: "s3cret",
    schema: "warehouse",
    port: 5432,
    extra: { sslmode: "require" },
  };

  it("reads var.value and var.json, fetching each key once", async () => {
    const lookups = recordingLookups({ variables: { bucket: "s3://b", cfg: '{"path":"/data","n":3}' } });
    const out = await render("{{ var.value.bucket }}/{{ var.value.bucket }} {{ var.json.cfg.path }} {{ var.value.cfg }}", lookups);
    expect(out).toBe('s3://b/s3://b /data {"path":"/data","n":3}');
    expect(lookups.calls.variable.sort()).toEqual(["bucket", "cfg"]);
  });

  it("fetches a key once across all strings of a templated field", async () => {
    const lookups = recordingLookups({ variables: { bucket: "b", prefix: "p" } });
    const out = await renderTemplateFields(["{{ var.value.bucket }}", { path: "{{ var.value.bucket }}/{{ var.value.prefix }}" }], vars, lookups);
    expect(out).toEqual(["b", { path: "b/p" }]);
    expect(lookups.calls.variable.sort()).toEqual(["bucket", "prefix"]);
  });

  it("does not look anything up for templates that read no variable", async () => {
    const lookups = recordingLookups();
    await render("{{ ds }} {{ params.name }}", lookups);
    expect(lookups.calls).toEqual({ variable: [], connection: [], xcomPull: [] });
  });

  it("finds references in block params, sub-expressions and helper arguments", async () => {
    const lookups = recordingLookups({ variables: { a: "1", b: "B", c: '["x","y"]', d: "d" } });
    const out = await render("{{#if var.value.a}}{{upper (lower var.value.b)}}{{/if}} {{#each var.json.c as |item|}}{{item}}{{/each}} {{ds_add ds var.value.a}} {{@root.var.value.d}}", lookups);
    expect(out).toBe("B xy 2024-01-02 d");
    expect(lookups.calls.variable.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("a missing variable fails with how to create it", async () => {
    const error = await renderError("echo {{ var.value.api_key }}");
    expect(error.code).toBe("TEMPLATE_ERROR");
    expect(error.message).toBe(
      'Cannot render template "echo {{ var.value.api_key }}": Variable "api_key" does not exist: create it with "updraft variables set api_key <value>" or set UPDRAFT_VAR_API_KEY.',
    );
  });

  it("a missing variable given to default renders the fallback", async () => {
    expect(await render("{{default var.value.region 'eu-west-1'}}")).toBe("eu-west-1");
  });

  it("var.json of text that is not JSON fails with the fix", async () => {
    const error = await renderError("{{ var.json.raw.x }}", recordingLookups({ variables: { raw: "not json" } }));
    expect(error.message).toMatch(/Variable "raw" is not JSON .*var\.value\.raw/);
  });

  it("a reference that names no variable fails", async () => {
    const error = await renderError("{{#each var.value}}{{this}}{{/each}}");
    expect(error.message).toContain("var.value.<key>");
  });

  it("reads connection fields, fetching each connection once", async () => {
    const lookups = recordingLookups({ connections: { my_db: postgres } });
    const out = await render("{{ conn.my_db.login }}@{{ conn.my_db.host }}:{{ conn.my_db.port }}/{{ conn.my_db.schema }} {{ conn.my_db.extra.sslmode }}", lookups);
    expect(out).toBe("etl@db.internal:5432/warehouse require");
    expect(lookups.calls.connection).toEqual(["my_db"]);
  });

  it("gives a connection's password only to templates that name it", async () => {
    const lookups = recordingLookups({ connections: { my_db: postgres } });
    const whole = (await render("{{ conn.my_db }}", lookups)) as string;
    expect(JSON.parse(whole)).toMatchObject({ conn_id: "my_db", host: "db.internal" });
    expect(whole).not.toContain("s3cret");
    expect(await render("{{ conn.my_db.password }}", lookups)).toBe("s3cret");
  });

  it("a missing connection fails with how to create it", async () => {
    const error = await renderError("{{ conn.nope.host }}");
    expect(error.message).toContain('Connection "nope" does not exist: create it with "updraft connections add nope --conn-uri <uri>" or set UPDRAFT_CONN_NOPE');
  });

  it("xcom_pull pulls before rendering, once per distinct request, objects as JSON", async () => {
    const lookups = recordingLookups({ xcoms: (args) => ({ rows: 3, args }) });
    const out = await render('{{xcom_pull task_ids="extract" key="k"}}|{{xcom_pull task_ids="extract" key="k"}}', lookups);
    const expected = JSON.stringify({ rows: 3, args: { taskIds: "extract", key: "k" } });
    expect(out).toBe(`${expected}|${expected}`);
    expect(lookups.calls.xcomPull).toEqual([{ taskIds: "extract", key: "k" }]);
  });

  it("xcom_pull arguments may name variables, which are fetched first", async () => {
    const lookups = recordingLookups({ variables: { upstream: "extract" }, xcoms: (args) => (args as { taskIds: string }).taskIds });
    expect(await render("{{xcom_pull task_ids=var.value.upstream}}", lookups)).toBe("extract");
    expect(lookups.calls.xcomPull).toEqual([{ taskIds: "extract" }]);
  });

  it("xcom_pull arguments that depend on a block fail before anything is pulled", async () => {
    const lookups = recordingLookups();
    const error = await renderError("{{#each params.list}}{{xcom_pull task_ids=this}}{{/each}}", lookups);
    expect(error.message).toContain("xcom_pull task_ids must be a literal");
    expect(lookups.calls.xcomPull).toEqual([]);
  });

  it("xcom_pull takes several task ids, map indexes, a dag id and a default", async () => {
    const lookups = recordingLookups({ xcoms: (args) => ((args as { dagId?: string }).dagId ? undefined : "v") });
    const out = await render('{{xcom_pull "a, b" map_indexes=1}} {{xcom_pull task_ids=params.name dag_id="other" default="none"}}', lookups);
    expect(out).toBe("v none");
    expect(lookups.calls.xcomPull).toEqual([
      { taskIds: ["a", "b"], mapIndexes: 1 },
      { taskIds: "world", dagId: "other" },
    ]);
  });
});

describe("rendering templated fields", () => {
  it("renders strings nested in objects and arrays, leaving other values untouched and the input unchanged", async () => {
    const when = new Date("2020-01-01T00:00:00Z");
    class Opaque {
      text = "{{ ds }}";
    }
    const opaque = new Opaque();
    const field = { cmd: "echo {{ ds }}", args: ["{{ params.name }}", 3, true, null, ["{{ run_id }}"]], env: { DAY: "{{ ds_nodash }}" }, when, opaque };
    const out = await renderTemplateFields(field, vars, recordingLookups());
    expect(out).toEqual({ cmd: "echo 2024-01-01", args: ["world", 3, true, null, [RUN_ID]], env: { DAY: "20240101" }, when, opaque });
    expect(out.when).toBe(when);
    expect(out.opaque).toBe(opaque);
    expect(opaque.text).toBe("{{ ds }}");
    expect(field.cmd).toBe("echo {{ ds }}");
  });

  it("returns non-string values as they are", async () => {
    expect(await renderTemplateFields(42, vars, recordingLookups())).toBe(42);
    expect(await renderTemplateFields(null, vars, recordingLookups())).toBe(null);
  });

  it("compiles each template text once", () => {
    expect(compileTemplate("cached {{ ds }}")).toBe(compileTemplate("cached {{ ds }}"));
  });
});

describe("native mode (render_template_as_native_obj)", () => {
  const native = (template: string) => renderTemplate(template, vars, recordingLookups(), { native: true });

  it("returns the value of a template that is one expression", async () => {
    expect(await native("{{ params.n }}")).toBe(5);
    expect(await native(" {{ params.list }} ")).toEqual([1, "two"]);
    expect(await native("{{ logical_date }}")).toEqual(LOGICAL_DATE);
    expect(await render("{{ params.n }}")).toBe("5");
  });

  it("reads other rendered text as a literal when it is one", async () => {
    expect(await native("{{ params.n }}0")).toBe(50);
    expect(await native('{"day": "{{ ds }}"}')).toEqual({ day: "2024-01-01" });
    expect(await native("True")).toBe(true);
    expect(await native("{{ ds }}")).toBe("2024-01-01");
    expect(await native("echo {{ ds }}")).toBe("echo 2024-01-01");
  });
});

describe("template errors", () => {
  it("a syntax error names the template and the line", async () => {
    const error = await renderError("echo start\necho {{ ds_add(ds, 7) }}");
    expect(error.message).toMatch(/^Template "echo start echo \{\{ ds_add\(ds, 7\) \}\}" has a syntax error: Parse error on line 2:/);
    expect(error.message).toContain("{{ds_add ds 7}}");
  });

  it("a long template is named by its first 60 characters", async () => {
    const error = await renderError(`${"x".repeat(100)} {{ oops`);
    expect(error.message).toContain(`Template "${"x".repeat(59)}…" has a syntax error`);
  });
});
