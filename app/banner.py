"""The e-mail line of the `make run` banner: `python -m app.banner`.

Where messages go, with the SMTP URL on its own and its password masked (app.common.security.
masked_url): the banner is read on screens, in terminal logs and in screenshots.
"""

from app.common.security import masked_url
from app.settings import Settings, get_settings

LABEL = "  E-mail:            "


def mail_line(settings: Settings) -> str:
    """Where the app delivers e-mail: through the SMTP server (password masked), or into files."""
    if settings.smtp_url is None:
        return f"{LABEL}no SMTP_URL: written to {settings.outbox_dir}/*.eml"
    return f"{LABEL}sent through SMTP_URL = {masked_url(settings.smtp_url.get_secret_value())}"


if __name__ == "__main__":
    print(mail_line(get_settings()))
