"""The process templates shipped with the platform (``bpmn/*.bpmn``), published as city templates.

``load_shipped_templates`` is idempotent: a template whose published drawing is unchanged is left
alone; a changed file becomes a new published version (running workflows keep their version).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop

from dichvucong.accounts.models import User
from dichvucong.workflows.constants import ProcessVersionStatus
from dichvucong.workflows.models import ProcessDefinition
from dichvucong.workflows.services import (
    create_process_definition,
    publish_process_version,
    save_process_draft,
)

BPMN_DIR = Path(__file__).resolve().parent / "bpmn"


@dataclass(frozen=True)
class ShippedTemplate:
    key: str
    name: str
    description: str

    @property
    def path(self) -> Path:
        return BPMN_DIR / f"{self.key}.bpmn"


SHIPPED_TEMPLATES: tuple[ShippedTemplate, ...] = (
    ShippedTemplate(
        "mot-cua-chung",
        gettext_noop("Quy trình một cửa chung"),
        gettext_noop(
            "Tiếp nhận → phân công → thụ lý → trình lãnh đạo phòng → lãnh đạo ký → trả kết quả, "
            "có vòng yêu cầu bổ sung và chuyển liên thông."
        ),
    ),
    ShippedTemplate(
        "lien-thong",
        gettext_noop("Quy trình liên thông"),
        gettext_noop(
            "Cơ quan tiếp nhận nhận hồ sơ, cơ quan chủ trì lĩnh vực giải quyết, "
            "kết quả trả tại nơi tiếp nhận."
        ),
    ),
    ShippedTemplate(
        "mot-cua-trong-ngay",
        gettext_noop("Quy trình một cửa trong ngày (cấp xã)"),
        gettext_noop("Tiếp nhận → thụ lý và ký → trả kết quả trong một ngày làm việc."),
    ),
)


@transaction.atomic
def load_shipped_templates(*, actor: User | None = None) -> dict[str, str]:
    """Create or update the shipped templates; returns ``{key: "created" | "updated" | "unchanged"}``."""
    outcome: dict[str, str] = {}
    for template in SHIPPED_TEMPLATES:
        xml = template.path.read_text(encoding="utf-8")
        digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
        definition = ProcessDefinition.objects.filter(key=template.key).first()
        if definition is None:
            definition = create_process_definition(
                key=template.key,
                name=template.name,
                owner_agency=None,
                actor=actor,
                bpmn_xml=xml,
                description=template.description,
            )
            draft = definition.versions.get(status=ProcessVersionStatus.DRAFT)
            publish_process_version(version=draft, actor=actor)
            outcome[template.key] = "created"
            continue
        published = definition.versions.filter(status=ProcessVersionStatus.PUBLISHED).first()
        if published is not None and published.source_hash == digest:
            outcome[template.key] = "unchanged"
            continue
        draft = save_process_draft(definition=definition, bpmn_xml=xml, actor=actor)
        publish_process_version(version=draft, actor=actor)
        outcome[template.key] = "updated"
    return outcome
