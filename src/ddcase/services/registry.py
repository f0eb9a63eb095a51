"""Every service for one database, built together by the composition root (cli.main) and handed
to the desktop app's windows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ddcase.services.base import Context
from ddcase.services.casework import CaseworkService
from ddcase.services.definitions import DefinitionService
from ddcase.services.figures import FiguresService
from ddcase.services.maintenance import MaintenanceService
from ddcase.services.notes import NotesService
from ddcase.services.team import TeamService

if TYPE_CHECKING:  # the services below are imported when first asked for
    from ddcase.services.audit_trail import AuditTrailService
    from ddcase.services.audits import AuditService
    from ddcase.services.backup import BackupService
    from ddcase.services.demo import DemoService
    from ddcase.services.discharges import DischargeService
    from ddcase.services.encryption import EncryptionService
    from ddcase.services.manual_measures import ManualMeasuresService
    from ddcase.services.measures import MeasuresService
    from ddcase.services.pdsa import PdsaService
    from ddcase.services.reporting import ReportingService
    from ddcase.services.retention import RetentionService
    from ddcase.services.subject_access import SubjectAccessService
    from ddcase.services.team_database import TeamDatabaseService
    from ddcase.services.transfer import TransferService
    from ddcase.services.who_am_i import WhoAmIService
    from ddcase.storage.opening import OpeningCheck


@dataclass(frozen=True)
class Services:
    context: Context
    casework: CaseworkService
    definitions: DefinitionService
    figures: FiguresService
    notes: NotesService
    team: TeamService
    maintenance: MaintenanceService

    @classmethod
    def build(cls, context: Context) -> Services:
        return cls(
            context=context,
            casework=CaseworkService(context),
            definitions=DefinitionService(context),
            figures=FiguresService(context),
            notes=NotesService(context),
            team=TeamService(context),
            maintenance=MaintenanceService(context),
        )

    @property
    def transfer(self) -> TransferService:  # imported lazily: csv work is rare
        from ddcase.services.transfer import TransferService

        return TransferService(self.context)

    @property
    def reporting(self) -> ReportingService:  # imported lazily: ReportLab only for a PDF
        from ddcase.services.reporting import ReportingService

        return ReportingService(self.context)

    @property
    def measures(self) -> MeasuresService:
        from ddcase.services.measures import MeasuresService

        return MeasuresService(self.context)

    @property
    def manual_measures(self) -> ManualMeasuresService:
        from ddcase.services.manual_measures import ManualMeasuresService

        return ManualMeasuresService(self.context)

    @property
    def discharges(self) -> DischargeService:
        from ddcase.services.discharges import DischargeService

        return DischargeService(self.context)

    @property
    def audits(self) -> AuditService:
        from ddcase.services.audits import AuditService

        return AuditService(self.context)

    @property
    def pdsa(self) -> PdsaService:
        from ddcase.services.pdsa import PdsaService

        return PdsaService(self.context)

    @property
    def demo(self) -> DemoService:
        from ddcase.services.demo import DemoService

        return DemoService(self.context)

    @property
    def who_am_i(self) -> WhoAmIService:
        from ddcase.services.who_am_i import WhoAmIService

        return WhoAmIService(self.context)

    @property
    def team_database(self) -> TeamDatabaseService:  # imported lazily: PostgreSQL only
        from ddcase.services.team_database import TeamDatabaseService

        return TeamDatabaseService(self.context)

    @property
    def backup(self) -> BackupService:
        from ddcase.services.backup import BackupService

        return BackupService(self.context)

    @property
    def audit_trail(self) -> AuditTrailService:
        from ddcase.services.audit_trail import AuditTrailService

        return AuditTrailService(self.context)

    @property
    def subject_access(self) -> SubjectAccessService:
        from ddcase.services.subject_access import SubjectAccessService

        return SubjectAccessService(self.context)

    @property
    def retention(self) -> RetentionService:
        from ddcase.services.retention import RetentionService

        return RetentionService(self.context)

    @property
    def opening_check(self) -> OpeningCheck | None:
        """The safety check of this opening of an SQLite file (storage/opening.py), which may
        still be running in the background; None for a server database."""
        return getattr(self.context.db, "check", None)

    def wait_for_opening_check(self) -> None:
        """Wait for the opening check; DamagedDatabaseError if it found the file damaged."""
        check = self.opening_check
        if check is not None:
            check.require()

    @property
    def encryption(self) -> EncryptionService:
        from ddcase.services.encryption import EncryptionService

        return EncryptionService(self.context)

    def close(self) -> None:
        self.context.db.dispose()
