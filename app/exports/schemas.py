from enum import StrEnum

from app.common.schemas import ResponseModel


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class Delimiter(StrEnum):
    comma = "comma"
    semicolon = "semicolon"  # Excel with Polish regional settings expects ';'
    tab = "tab"


class OrganizationCount(ResponseModel):
    organization: str
    people: int


class PartnershipCount(ResponseModel):
    partnership: str | None
    people: int
    organizations: list[OrganizationCount]


class PartnershipSummary(ResponseModel):
    event_id: int
    statuses: list[str]
    people: int
    organizations: int
    partnerships: list[PartnershipCount]
