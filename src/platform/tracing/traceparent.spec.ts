import { parseTraceparent } from './traceparent.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('should read the trace id, the parent id and the sampled flag', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      sampled: true,
    });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.sampled).toBe(false);
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-03`)?.sampled).toBe(true);
  });

  // A later version may add fields; the first four keep their meaning.
  it('should accept a later version with more fields', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01-what-comes-next`)).toEqual({
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      sampled: true,
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with an extra field', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['one-digit flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['non-hex characters', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
    [
      'two headers joined by Node',
      `00-${TRACE_ID}-${PARENT_ID}-01, 00-${TRACE_ID}-${PARENT_ID}-01`,
    ],
    ['a line break', `00-${TRACE_ID}-${PARENT_ID}-01\n`],
    ['huge', `01-${TRACE_ID}-${PARENT_ID}-01-${'a'.repeat(600)}`],
    ['repeated', [`00-${TRACE_ID}-${PARENT_ID}-01`]],
  ])('should ignore a header that is %s', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});
