/**
 * The parts of an OpenAPI 3.1 document the proxy's description uses, typed loosely enough to hold any
 * JSON Schema 2020-12 and strictly enough that a misspelt section is a type error. Not a general model
 * of the specification: only what `openapi-document.ts` writes and the response checker reads.
 */

/** A JSON Schema 2020-12 object (OpenAPI 3.1 schemas are plain JSON Schema). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A `$ref` to a reusable component. */
export interface Reference {
  readonly $ref: string;
}

/** A response or request header. */
export interface HeaderObject {
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

/** One media type of a body. */
export interface MediaTypeObject {
  readonly schema: JsonSchema;
  readonly examples?: Readonly<Record<string, { readonly summary?: string; readonly value: unknown }>>;
  readonly encoding?: Readonly<Record<string, { readonly contentType?: string; readonly style?: string; readonly explode?: boolean }>>;
}

/** One response of an operation. */
export interface ResponseObject {
  readonly description: string;
  readonly headers?: Readonly<Record<string, HeaderObject | Reference>>;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
}

/** A path, query or header parameter. */
export interface ParameterObject {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

/** A request body. */
export interface RequestBodyObject {
  readonly description?: string;
  readonly required: boolean;
  readonly content: Readonly<Record<string, MediaTypeObject>>;
}

/** One operation (a method on a path). */
export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly (ParameterObject | Reference)[];
  readonly requestBody?: RequestBodyObject;
  readonly responses: Readonly<Record<string, ResponseObject>>;
  /**
   * For an event stream: the schema of each event's `data` (JSON) by event name. OpenAPI 3.1 has no
   * field for this (3.2's `itemSchema` came later), hence the extension.
   */
  readonly 'x-events'?: Readonly<Record<string, JsonSchema>>;
  /** Absent on open operations; one requirement naming the scheme on secured ones. */
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}

/** The HTTP methods the proxy's routes use. */
export type HttpMethod = 'get' | 'post';

/** The operations of one path. */
export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

/** A security scheme. */
export interface SecuritySchemeObject {
  readonly type: 'http';
  readonly scheme: 'bearer';
  readonly bearerFormat?: string;
  readonly description: string;
}

/** The whole document. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly jsonSchemaDialect: string;
  readonly info: { readonly title: string; readonly version: string; readonly summary?: string; readonly description: string; readonly license?: { readonly name: string; readonly identifier: string } };
  readonly servers: readonly { readonly url: string; readonly description?: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, PathItemObject>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly parameters: Readonly<Record<string, ParameterObject>>;
    readonly headers: Readonly<Record<string, HeaderObject>>;
    readonly securitySchemes: Readonly<Record<string, SecuritySchemeObject>>;
  };
}
