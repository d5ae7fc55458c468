import { ApiError, type User, unwrap } from '@exam-reservation/client';
import { useCallback, useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';
import { Pager, usePage } from './pager.js';
import { ListTable } from './parts.js';

const LIMIT = 20;
type Role = User['role'];

/** Accounts: find by e-mail or role, promote or demote, unlock after too many failed log-ins. */
export function Users({ ctx }: { ctx: ConsoleContext }) {
  const { client, fail } = ctx;
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [applied, setApplied] = useState<{ email: string; role: Role | '' }>({ email: '', role: '' });
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<{ text: string; error: boolean }>();
  const [reloads, setReloads] = useState(0);
  const query = {
    page,
    limit: LIMIT,
    ...(applied.email ? { email: applied.email } : {}),
    ...(applied.role ? { role: applied.role } : {}),
  };
  const listed = usePage(
    () => client.api.GET('/users', { params: { query } }),
    `${JSON.stringify(query)} ${reloads}`,
    (e) => setMessage({ text: fail(e), error: true }),
  );
  const items = listed?.items;
  const info = listed?.info;

  const act = useCallback(
    async (what: string, call: () => Promise<unknown>) => {
      try {
        await call();
        setMessage({ text: what, error: false });
        setReloads((n) => n + 1);
      } catch (e) {
        const text =
          e instanceof ApiError && e.code === 'last_admin'
            ? `Refused (409 last_admin): ${e.detail}`
            : fail(e);
        setMessage({ text, error: true });
      }
    },
    [fail],
  );

  const setRoleOf = (user: User, next: Role) =>
    act(`${user.email} is now ${next === 'admin' ? 'an admin' : 'a user'}.`, () =>
      unwrap(client.api.PATCH('/users/{id}', { params: { path: { id: user.id } }, body: { role: next } })),
    );
  const unlock = (user: User) =>
    act(`${user.email} is unlocked: its failed log-ins are forgotten.`, async () => {
      const { response, error } = await client.api.POST('/users/{id}/unlock', {
        params: { path: { id: user.id } },
      });
      if (!response.ok) throw new ApiError(response.status, error);
    });

  return (
    <section id="users" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form
        class="filters"
        aria-label="Find accounts"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setApplied({ email: email.trim(), role });
        }}
      >
        <label>
          E-mail{' '}
          <input type="search" name="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role | '')}>
            <option value="">any</option>
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Find</button>
      </form>
      {message ? (
        <p
          class={message.error ? 'error' : 'notice'}
          role={message.error ? 'alert' : 'status'}
          data-testid="users-message"
        >
          {message.text}
        </p>
      ) : null}
      {items ? (
        <ListTable
          testid="users"
          caption="Accounts"
          columns={['Id', 'E-mail', 'Name', 'Role', 'Actions']}
          items={items}
          empty="No account matches."
          row={(u) => (
            <tr key={u.id} data-email={u.email}>
              <td>{u.id}</td>
              <td>{u.email}</td>
              <td>{u.user_name}</td>
              <td>{u.role}</td>
              <td class="actions">
                <RoleButton user={u} onRole={setRoleOf} />
                <button type="button" onClick={() => unlock(u)} aria-label={`Unlock ${u.email}`}>
                  Unlock
                </button>
              </td>
            </tr>
          )}
        />
      ) : null}
      {info ? <Pager label="Account pages" page={page} info={info} onPage={setPage} /> : null}
    </section>
  );
}

/** Makes an admin a user, or a user an admin. */
function RoleButton({ user, onRole }: { user: User; onRole: (user: User, role: Role) => void }) {
  const next: Role = user.role === 'admin' ? 'user' : 'admin';
  const label = next === 'admin' ? 'an admin' : 'a user';
  return (
    <button type="button" onClick={() => onRole(user, next)} aria-label={`Make ${user.email} ${label}`}>
      Make {next}
    </button>
  );
}
