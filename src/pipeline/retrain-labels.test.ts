/** parseLabels (./retrain.ts) on labels CSVs as users write them. */
import { describe, expect, it } from 'vitest';
import { RejectedInputError } from './errors.ts';
import { parseLabels } from './retrain.ts';

describe('parseLabels', () => {
  it('keeps the label column in place past a quoted comma, quote or line break in free text', () => {
    const text =
      'CATID,comment,label\n100153,"bar, ""boxy""\nbulge",fast\n100154,plain,SLOW\n100155,x,unknown\n';
    expect([...parseLabels(text, 'labels/r.csv')]).toEqual([
      ['100153', 1],
      ['100154', 0],
    ]);
  });

  it('takes galaxy_id or id_str as the id, 1/0 as labels, and names the file when a column is missing', () => {
    expect([...parseLabels('id_str,label\n7815-3702,1\n9,0\n', 'k')]).toEqual([
      ['7815-3702', 1],
      ['9', 0],
    ]);
    expect(() => parseLabels('name,label\na,fast\n', 'labels/x.csv')).toThrow(
      new RejectedInputError('labels/x.csv: needs columns catid (or galaxy_id, id_str) and label'),
    );
    expect(() => parseLabels('catid,label\n', 'labels/y.csv')).toThrow('labels/y.csv: no labeled rows');
    expect(() => parseLabels('catid,label\n"1,fast\n', 'labels/z.csv')).toThrow(
      /^labels\/z\.csv: Quote Not Closed/,
    );
  });
});
