import { combineWrites } from './combined-writes';

describe('combineWrites', () => {
  it('leaves a single statement as it is', () => {
    const only = { text: 'UPDATE t SET a = $1 WHERE id = $2', values: [1, 'x'] };
    expect(combineWrites([only])).toBe(only);
  });

  it('makes each statement a data-modifying CTE and renumbers the parameters after the first', () => {
    const combined = combineWrites([
      { text: 'INSERT INTO a (x, y) VALUES ($1, $2)', values: ['a1', 'a2'] },
      { text: '  WITH d AS (SELECT $1 AS v) INSERT INTO b SELECT v, $2, $1 FROM d  ', values: ['b1', 'b2'] },
      { text: 'UPDATE c SET z = $10 WHERE id = $1', values: ['c1', 2, 3, 4, 5, 6, 7, 8, 9, 'c10'] },
    ]);
    expect(combined.text).toBe(
      'WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)),\n' +
        'w1 AS (WITH d AS (SELECT $3 AS v) INSERT INTO b SELECT v, $4, $3 FROM d),\n' +
        'w2 AS (UPDATE c SET z = $14 WHERE id = $5)\n' +
        'SELECT 1',
    );
    expect(combined.values).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 2, 3, 4, 5, 6, 7, 8, 9, 'c10']);
  });

  it.each([
    ["INSERT INTO a VALUES ('costs $1')", /a \$ inside a string literal/],
    ['INSERT INTO a VALUES ($$x$$)', /dollar quoting/],
    ['INSERT INTO a VALUES ($1) -- note', /a comment/],
    ['INSERT INTO a VALUES ($1) /* note */', /a comment/],
    ['INSERT INTO a VALUES ($1);', /a ;/],
  ])('refuses text it cannot renumber or wrap safely: %s', (text, message) => {
    expect(() => combineWrites([{ text: 'INSERT INTO b VALUES ($1)', values: [1] }, { text, values: [1] }])).toThrow(message);
  });

  it('refuses a parameter that has no value', () => {
    expect(() => combineWrites([{ text: 'INSERT INTO a VALUES ($1)', values: [1] }, { text: 'INSERT INTO b VALUES ($2)', values: [1] }])).toThrow(
      /\$2 has no value in statement 1/,
    );
  });
});
