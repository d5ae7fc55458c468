import type { FieldFacts, FieldKind } from './string-probes.js';

/** The parts of a JSON Schema the fuzzer reads. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly description?: string;
  readonly example?: unknown;
  readonly examples?: readonly unknown[];
}

/** One parameter or body property of an operation. */
export interface Field extends FieldFacts {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'body';
  readonly required: boolean;
  readonly schema: Schema;
}

/** One route of the OpenAPI document, as far as the fuzzer needs it. */
export interface Operation {
  /** `POST /reservations/{id}/confirm` */
  readonly key: string;
  readonly method: string;
  /** The path template, `{name}` for path parameters. */
  readonly path: string;
  readonly secured: boolean;
  readonly params: readonly Field[];
  /** Properties of a JSON object body; undefined when the operation declares no body. */
  readonly body: readonly Field[] | undefined;
  /** Status codes the document declares. */
  readonly responses: readonly number[];
  /**
   * Admins only, as the document says: a declared 403 and a summary that
   * names admins (`Confirm (admin)`).
   */
  readonly adminOnly: boolean;
}

interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, RawOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
  readonly security?: readonly unknown[];
}

interface RawOperation {
  readonly parameters?: readonly {
    name: string;
    in: 'path' | 'query' | 'header' | 'cookie';
    required?: boolean;
    schema?: Schema;
    description?: string;
  }[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
  readonly security?: readonly Record<string, unknown>[];
  readonly responses?: Readonly<Record<string, unknown>>;
  readonly summary?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * The contract's meaning of a field, from its schema first and its name
 * second. Add names here when a route brings a field the rules below do not
 * place.
 */
export function fieldKind(name: string, schema: Schema): FieldKind {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.enum) return 'enum';
  if (type === 'boolean') return 'boolean';
  if (type === 'integer' || type === 'number') return name === 'id' ? 'id' : 'integer';
  if (type === 'array') return name.endsWith('ids') ? 'id-list' : 'string';
  if (name === 'id') return 'id';
  if (schema.pattern === DATE_PATTERN) return 'date';
  if (schema.format === 'email' || name === 'email') return 'email';
  if (name === 'password') return 'password';
  if (name.endsWith('_name') || name === 'name') return 'name';
  if (name === 'reason') return 'text';
  if (/HH:MM/.test(schema.description ?? '') || name === 'start' || name === 'end') return 'time';
  return 'string';
}

function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc, doc.components?.schemas?.[name]);
  }
  return schema;
}

function field(name: string, at: Field['in'], required: boolean, schema: Schema): Field {
  const items = schema.enum?.filter((v): v is string => typeof v === 'string');
  return {
    name,
    in: at,
    required,
    schema,
    kind: fieldKind(name, schema),
    minimum: schema.minimum,
    maximum: schema.maximum,
    maxLength: schema.maxLength,
    enumValues: items,
  };
}

/** Every operation of the document, in document order. */
export function readOperations(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ?? [])
        .filter((p) => p.in !== 'cookie')
        .map((p) =>
          field(p.name, p.in as Field['in'], p.required ?? p.in === 'path', resolve(doc, p.schema)),
        );
      const content = op.requestBody?.content;
      const bodySchema = content ? resolve(doc, Object.values(content)[0]?.schema) : undefined;
      const body = bodySchema
        ? Object.entries(bodySchema.properties ?? {}).map(([name, schema]) =>
            field(name, 'body', (bodySchema.required ?? []).includes(name), resolve(doc, schema)),
          )
        : undefined;
      const security = op.security ?? doc.security ?? [];
      const responses = Object.keys(op.responses ?? {})
        .map(Number)
        .filter(Number.isInteger);
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        secured: security.some((s) => Object.keys(s as object).length > 0),
        params,
        body,
        responses,
        adminOnly: responses.includes(403) && /\badmins?\b/i.test(op.summary ?? ''),
      });
    }
  }
  return operations;
}
