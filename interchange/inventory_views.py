"""Import of an asset inventory from a spreadsheet: upload, choose the sheet and the columns,
preview every row's problems, import; and the template workbook.

Between the steps the uploaded file itself is kept in the session (at most
``inventory.MAX_BYTES``, with its SHA-256), as the register import keeps its document: the
session stays on the server, a hidden field could not carry a 5 MB file, and a model would
need its own clean-up of abandoned uploads. Each step reads the file again within the same
bounds. The confirm sends back the digest of the document that was previewed; the import
builds the document again from the file and imports it only if it is the same one.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from interchange import inventory, inventory_services, register
from klassa_app import access
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation
from klassa_app.viewhelpers import permission_required

SESSION_KEY = "klassa_inventory_import"
TEMPLATE_NAME = "klassa-informationsmangder.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION_MESSAGE = gettext_lazy(
    "Only organisation admins and information-security officers import a register."
)


class InventoryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file (separated by semicolons or commas), at "
            "most 5 MB and 5 000 rows. The first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    kind: str
    content: bytes
    sheets: list[str]
    table: inventory.Table  # the first sheet, read once

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > inventory.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": 5}, code="too_large"
            )
        content = upload.read(inventory.MAX_BYTES + 1)
        try:
            self.kind = inventory.kind_of(upload.name, content)
            # The whole first sheet is read now, so that a file that passes a bound is refused
            # at once and not after the mapping.
            self.sheets = inventory.sheet_names(self.kind, content)
            self.table = inventory.read_table(self.kind, content, self.sheets[0])
        except inventory.SpreadsheetError as error:
            raise forms.ValidationError(error.localized, code="spreadsheet") from error
        self.content = content
        return upload


def field_labels(aspects: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(field, label) in the order the mapping form shows them."""
    labels = [
        (inventory.NAME, _("Name")),
        (inventory.DEPARTMENT, _("Department")),
        (inventory.CODE, _("Code")),
        (inventory.DESCRIPTION, _("Description")),
        (inventory.LEGAL, _("Legal triggers (in one column)")),
        (inventory.PERSONAL, _("Personal data")),
        (inventory.SECRECY, _("Secrecy (OSL provision)")),
        (inventory.PROTECTIVE, _("Protective security")),
    ]
    for code, names in aspects.items():
        name = names[0] if names else code
        labels.append(
            (
                inventory.LEVEL_PREFIX + code,
                _("Level %(code)s (%(name)s)")
                % {
                    "code": code,
                    "name": name,
                },
            )
        )
    labels += [(inventory.OWNER, _("Owner (role)")), (inventory.STATUS_FIELD, _("Status"))]
    return labels


class MappingForm(forms.Form):
    """The sheet and, per field, the column that holds it."""

    def __init__(
        self,
        *args: Any,
        sheets: list[str],
        headers: list[str],
        labels: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(name, name) for name in sheets]
            )
        columns = [("", _("– not in the file –"))] + [
            (str(i), f"{inventory.column_letter(i)}: {header or _('(no header)')}")
            for i, header in enumerate(headers)
        ]
        for key, label in labels:
            self.fields[f"map_{key}"] = forms.ChoiceField(
                label=label,
                choices=columns,
                required=key in inventory.REQUIRED_FIELDS,
                error_messages={"required": _("Choose the column that holds this field.")},
            )

    def mapping(self) -> dict[str, int | None]:
        found: dict[str, int | None] = {}
        for key, _label in self.labels:
            value = self.cleaned_data.get(f"map_{key}")
            found[key] = int(value) if value not in (None, "") else None
        return found


# --- Keeping the file between steps ------------------------------------------------------------


def _remember(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    name: str,
    kind: str,
    content: bytes,
) -> None:
    request.session[SESSION_KEY] = {
        "organisation": organisation.pk,
        "name": name[:255],
        "kind": kind,
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": base64.b64encode(content).decode("ascii"),
    }


def _recall(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> tuple[str, str, bytes] | None:
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("organisation") != organisation.pk:
        return None
    content = base64.b64decode(pending["content"])
    if hashlib.sha256(content).hexdigest() != pending.get("sha256"):
        return None
    return pending["name"], pending["kind"], content


def _forget(request: AuthenticatedHttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


# --- Pages ------------------------------------------------------------------------------------


def _render(
    request: AuthenticatedHttpRequest, organisation: Organisation, **context: Any
) -> HttpResponse:
    context.setdefault("form", InventoryUploadForm())
    context.update(
        organisation=organisation,
        may_approve=access.can_approve_classifications(request.user, organisation),
        max_rows=inventory.MAX_ROWS,
    )
    return render(request, "interchange/inventory_import.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("klassa.import_register", message=PERMISSION_MESSAGE)
def inventory_import(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    """GET: the upload form. POST: an upload, a sheet chosen, a mapping to preview, or the
    confirm of a preview (``action``)."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ("sheet", "preview", "confirm"):
        pending = _recall(request, organisation)
        if pending is None:
            messages.error(request, _("The file is no longer available. Upload it again."))
            return redirect("inventory_import")
        return _step(request, organisation, action, *pending)
    form = InventoryUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["file"].name
        _remember(request, organisation, name, form.kind, form.content)
        return _step(
            request, organisation, "", name, form.kind, form.content, (form.sheets, form.table)
        )
    return _render(request, organisation, form=form)


def _step(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    action: str,
    name: str,
    kind: str,
    content: bytes,
    first: tuple[list[str], inventory.Table] | None = None,
) -> HttpResponse:
    try:
        if first is not None:
            sheets, table = first
            sheet = sheets[0]
        else:
            sheets = inventory.sheet_names(kind, content)
            sheet = request.POST.get("sheet", "")
            if sheet not in sheets:
                sheet = sheets[0]
            table = inventory.read_table(kind, content, sheet)
    except inventory.SpreadsheetError as error:
        _forget(request)
        form = InventoryUploadForm()
        return _render(request, organisation, form=form, file_error=error.localized)
    context = inventory_services.inventory_context(organisation)
    labels = field_labels(context.aspects)
    page: dict[str, Any] = {"file_name": name, "rows": len(table.rows), "sheet": sheet}
    # A mapping is for the sheet it was made for: another sheet chosen gets its own suggestion.
    if action in ("preview", "confirm") and request.POST.get("mapped_sheet", "") == sheet:
        mapping_form = MappingForm(
            request.POST, sheets=sheets, headers=table.headers, labels=labels
        )
        if not mapping_form.is_valid():
            return _render(request, organisation, mapping_form=mapping_form, **page)
        found = inventory_services.build(
            organisation, table, mapping_form.mapping(), context=context
        )
        if action == "confirm":
            return _confirm(request, organisation, found, name, mapping_form, page)
        result = inventory_services.preview(organisation, request.user, found)
        return _render(
            request,
            organisation,
            mapping_form=mapping_form,
            preview=result,
            kinds=_kinds(result.summary) if result.summary else [],
            digest=inventory_services.digest(found),
            **page,
        )
    suggested = inventory.suggest_mapping(table.headers, context.aspects)
    initial: dict[str, Any] = {"sheet": sheet}
    initial |= {f"map_{k}": "" if v is None else str(v) for k, v in suggested.items()}
    mapping_form = MappingForm(initial=initial, sheets=sheets, headers=table.headers, labels=labels)
    return _render(request, organisation, mapping_form=mapping_form, **page)


def _kinds(summary: register.ImportSummary) -> list[tuple[str, register.KindSummary]]:
    labels = {
        "departments": _("Departments"),
        "information_assets": _("Information assets"),
        "initiatives": _("Initiatives"),
        "classifications": _("Classifications"),
    }
    return [
        (labels[kind], summary.kind(kind)) for kind in ("information_assets", "classifications")
    ]


def _confirm(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    found: inventory.Inventory,
    name: str,
    mapping_form: MappingForm,
    page: dict[str, Any],
) -> HttpResponse:
    if request.POST.get("digest") != inventory_services.digest(found):
        # The choice of sheet or columns, or the register, changed since the preview.
        messages.error(
            request,
            _("The columns or the register changed since the preview. Check the new preview."),
        )
        result = inventory_services.preview(organisation, request.user, found)
        return _render(
            request,
            organisation,
            mapping_form=mapping_form,
            preview=result,
            kinds=_kinds(result.summary) if result.summary else [],
            digest=inventory_services.digest(found),
            **page,
        )
    try:
        imported = inventory_services.do_import_inventory(
            actor=request.user, organisation=organisation, found=found, file_name=name
        )
    except inventory_services.InventoryInvalid as invalid:
        result = inventory_services.InventoryPreview(found=found, problems=invalid.problems)
        return _render(request, organisation, mapping_form=mapping_form, preview=result, **page)
    _forget(request)
    assets = imported.summary.information_assets.counts()
    messages.success(
        request,
        _(
            "Inventory imported from %(file)s: %(created)s information assets created, "
            "%(updated)s updated, %(unchanged)s unchanged."
        )
        % {"file": name, **assets},
    )
    return redirect("inventory_import")


@require_http_methods(["GET"])
@permission_required("klassa.import_register", message=PERMISSION_MESSAGE)
def inventory_template(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    content = inventory_services.template_workbook(organisation)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response
