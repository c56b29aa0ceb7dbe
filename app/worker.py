"""`python -m app.worker`: deliver the outbox's messages (e-mail, webhooks) until stopped.

Run as many as you like, beside the app processes or instead of their in-process delivery
(`OUTBOX_DISPATCH=off`): on PostgreSQL they never take the same message at once. `--once`
delivers what is due now and exits.
"""

import argparse
import signal
import threading

from app.db import make_engine, make_write_gate
from app.messages.dispatch import Dispatcher
from app.observability import logs
from app.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=__doc__)
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    args = parser.parse_args(argv)
    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    engine = make_engine(settings)
    dispatcher = Dispatcher(engine, settings, write_gate=make_write_gate(engine, settings))
    if args.once:
        count = dispatcher.run_once()
        dispatcher.stop()
        print(f"{count} delivery attempts")
        return 0
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    dispatcher.start()
    stopped.wait()
    dispatcher.stop()
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
