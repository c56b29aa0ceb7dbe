// Organizer messages page (/admin/messages): the event's outbox and a message to its participants
// (admin-messages.js), the e-mail texts with their preview (admin-templates.js), and webhook endpoints
// (admin-webhooks.js). Signing in (the key /admin keeps in this tab signs this page in too), the event
// menu and the status line: admin-console.js.
import { ctx, handle, startConsole } from './admin-console.js';
import { initMessages, loadMessages } from './admin-messages.js';
import { initTemplates, loadTemplates } from './admin-templates.js';
import { initWebhooks, loadWebhooks } from './admin-webhooks.js';

startConsole({
  init() {
    initMessages(ctx, handle);
    initTemplates(ctx, handle);
    initWebhooks(ctx, handle);
  },
  async eventChanged() {
    await Promise.all([ctx.event ? loadMessages(ctx) : null, ctx.event ? loadTemplates(ctx) : null, loadWebhooks(ctx)]);
  },
});
