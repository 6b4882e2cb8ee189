-- Lineage (lineage/): every OpenLineage run event Updraft receives (from its own runners or from any producer posting
-- to /api/v1/lineage), and what they say about jobs, datasets and the edges between them, for Marquez-style queries.

CREATE TABLE lineage_event (
  id bigserial PRIMARY KEY,
  event_type text NOT NULL,
  event_time timestamptz NOT NULL,
  run_id text NOT NULL,
  job_namespace text NOT NULL,
  job_name text NOT NULL,
  event jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lineage_event_job_idx ON lineage_event (job_namespace, job_name, event_time);
CREATE INDEX lineage_event_run_idx ON lineage_event (run_id);

CREATE TABLE lineage_job (
  namespace text NOT NULL,
  name text NOT NULL,
  facets jsonb NOT NULL DEFAULT '{}',
  latest_run_id text,
  latest_event_type text,
  latest_event_time timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);

CREATE TABLE lineage_dataset (
  namespace text NOT NULL,
  name text NOT NULL,
  facets jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);

-- A job read (input) or wrote (output) a dataset in some run: the graph's edges.
CREATE TABLE lineage_edge (
  job_namespace text NOT NULL,
  job_name text NOT NULL,
  dataset_namespace text NOT NULL,
  dataset_name text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('input', 'output')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_namespace, job_name, dataset_namespace, dataset_name, direction)
);
CREATE INDEX lineage_edge_dataset_idx ON lineage_edge (dataset_namespace, dataset_name);

-- Governance (governance/): classification tags on datasets. source 'user' = set by someone; 'propagated' = inherited
-- through lineage from `origin` (namespace NUL name of the dataset it was set on).
CREATE TABLE dataset_classification (
  namespace text NOT NULL,
  name text NOT NULL,
  tag text NOT NULL CHECK (tag IN ('PII', 'Confidential', 'Public')),
  source text NOT NULL CHECK (source IN ('user', 'propagated')),
  origin text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name, tag, origin)
);
