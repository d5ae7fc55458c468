import type { ComponentChildren } from 'preact';

/** A failed call's message, announced at once. */
export function ErrorLine({ error }: { error: string | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A list as a table: a caption for assistive technology, column headers, and a line when it is empty. */
export function ListTable<T>(props: {
  testid: string;
  caption: string;
  columns: readonly string[];
  items: readonly T[];
  empty: string;
  row: (item: T) => ComponentChildren;
}) {
  return (
    <table class="list" data-testid={props.testid}>
      <caption class="vh">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.items.length === 0 ? (
          <tr>
            <td colSpan={props.columns.length}>{props.empty}</td>
          </tr>
        ) : (
          props.items.map(props.row)
        )}
      </tbody>
    </table>
  );
}
