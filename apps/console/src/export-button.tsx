import { ApiError } from '@exam-reservation/client';
import { useState } from 'preact/hooks';
import type { ConsoleContext } from './context.js';

/** Downloads the range's reservations as the API's CSV, through the bearer-carrying client (a link could not send the token). */
export function ExportButton({ ctx }: { ctx: ConsoleContext }) {
  const [message, setMessage] = useState<string>();
  const { start, end } = ctx.range;
  const download = async () => {
    setMessage('Exporting…');
    const { data, error, response } = await ctx.client.api.GET('/reservations/export', {
      params: { query: { start, end } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) {
      setMessage(ctx.fail(new ApiError(response.status, error)));
      return;
    }
    const url = URL.createObjectURL(data);
    const link = document.createElement('a');
    link.href = url;
    link.download = `reservations-${start}-to-${end}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setMessage(`Exported ${start} to ${end}.`);
  };
  return (
    <>
      <button type="button" onClick={download}>
        Export CSV ({start} to {end})
      </button>
      <span class="status" aria-live="polite">
        {message}
      </span>
    </>
  );
}
