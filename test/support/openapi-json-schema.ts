/**
 * OpenAPI 3.0 schema objects are not quite JSON Schema: `nullable` widens `type`, and
 * `example` is no JSON Schema keyword. This turns one into the other for Ajv.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

// Keywords whose value is a schema, or a list of schemas.
const SUBSCHEMA_KEYWORDS = new Set(['items', 'not', 'allOf', 'anyOf', 'oneOf']);
// OpenAPI-only annotations with no meaning for validation.
const ANNOTATIONS = new Set(['example', 'nullable', 'xml', 'externalDocs']);

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `componentsId` is the $id under which the document's `components.schemas` are
 * registered as `$defs`, so `#/components/schemas/X` becomes `<componentsId>#/$defs/X`.
 */
export function toJsonSchema(schema: Json, componentsId: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, componentsId));
  if (!isObject(schema)) return schema;
  const converted: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (keyword === '$ref' && typeof value === 'string') {
      converted.$ref = value.replace('#/components/schemas/', `${componentsId}#/$defs/`);
    } else if (keyword === 'properties' && isObject(value)) {
      converted.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [
          name,
          toJsonSchema(property, componentsId),
        ]),
      );
    } else if (SUBSCHEMA_KEYWORDS.has(keyword) || keyword === 'additionalProperties') {
      converted[keyword] = toJsonSchema(value, componentsId);
    } else {
      converted[keyword] = value;
    }
  }
  // OpenAPI 3.0.3: `nullable` adds null to `type` only; an enum must still list null itself.
  if (schema.nullable === true && typeof schema.type === 'string') {
    converted.type = [schema.type, 'null'];
  }
  // A field the document does not name is drift as much as a missing one: the service
  // promises exactly the documented fields, so objects are closed unless they say otherwise.
  if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
    converted.additionalProperties = false;
  }
  return converted;
}
