import { type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';

/**
 * Building blocks of the file schemas. A measured figure can be NaN in memory ("not measured"),
 * which JSON.stringify writes as null, so on disk it is a number or null while the program sees
 * a number: `Figure` says both.
 */
export const Figure = Type.Unsafe<number>(Type.Union([Type.Number(), Type.Null()]));

/** A count or index: an integer from 0. */
export const Count = Type.Integer({ minimum: 0 });

/** One of a list of strings, written as JSON Schema's `anyOf` of constants. */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value): TLiteral<T[number]> => Type.Literal(value)),
    options,
  );
}

/** A value or null. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}
