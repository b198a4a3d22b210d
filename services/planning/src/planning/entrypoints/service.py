"""The planning service: annual plans and tasks over HTTP, and the registry's checklist from Kafka."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from hrss.bus.checkpoints import AuditCheckpoints
from hrss.bus.consumer import Received, consume
from hrss.contracts.events.draw import DrawCompleted, DrawVoided
from hrss.contracts.events.inspection import Overdue, VisitStatusChanged
from hrss.contracts.events.publication import ResultConfirmed
from hrss.contracts.events.registry import CheckItemChanged
from hrss.db import Database, UnitOfWork
from hrss.web import ComponentProvider, HttpService, Wiring, check_id, json_response, read_http, write_http
from planning import views
from planning.adapters.orm import metadata
from planning.bootstrap import bootstrap
from planning.domain.documents import plan_document, task_document
from planning.domain.errors import required
from planning.domain.plans import PlannedItem
from planning.domain.task_lifecycle import TaskStatus
from planning.entrypoints import schemas
from planning.entrypoints.openapi import OPENAPI
from planning.service_layer import commands, handlers
from planning.service_layer.context import Components, Context
from planning.service_layer.handlers import handle
from planning.service_layer.tasks import OVERRIDE


class PlanningService(HttpService, AuditCheckpoints):
    name = "planning"
    context = Context
    object_type = "plan"
    db: UnitOfWork = Database(metadata)  # type: ignore[assignment]
    wiring: Wiring[Components] = ComponentProvider(bootstrap)  # type: ignore[assignment]

    # -- the registry's checklist ------------------------------------------------------------

    @consume(CheckItemChanged, batch=True)
    def apply_check_items(self, events: list[Received]) -> None:
        handlers.apply_check_items(self._as_service(), [event.payload for event in events])  # type: ignore[misc]

    # -- the facts after the draw: the task's lifecycle and its progress per node follow from them ------

    def _apply(self, event: Received) -> None:
        handlers.handle_event(event.payload, self._as_service(), str(event.envelope.event_id))

    @consume(DrawCompleted)
    def apply_draw_completed(self, event: Received) -> None:
        self._apply(event)

    @consume(DrawVoided)
    def apply_draw_voided(self, event: Received) -> None:
        self._apply(event)

    @consume(VisitStatusChanged)
    def apply_visit_status(self, event: Received) -> None:
        self._apply(event)

    @consume(ResultConfirmed)
    def apply_result_confirmed(self, event: Received) -> None:
        """The publication service's confirmation of a result's publication record (published or withheld)."""
        self._apply(event)

    @consume(Overdue)
    def apply_overdue(self, event: Received) -> None:
        self._apply(event)

    # -- settings and the list in force --------------------------------------------------------

    @read_http("GET", "/settings/<node>")
    def get_settings(self, request: Request, node: str) -> Response:
        return json_response(views.settings(self._reader(request), node))

    @write_http("PUT", "/settings/<node>")
    def put_settings(self, request: Request, node: str) -> Response:
        def run(ctx: Context) -> dict[str, Any]:
            body = schemas.parse(schemas.SettingsBody, request.get_data())
            return handle(commands.SetSettings(node=node, **body.model_dump()), ctx).to_dict()

        return self._write(request, "settings.set", node, run, "node_settings")

    @read_http("GET", "/checklist")
    def get_checklist(self, request: Request) -> Response:
        return json_response(views.checklist(self._reader(request), request.args))

    # -- plans ------------------------------------------------------------------------------

    @read_http("GET", "/plans")
    def list_plans(self, request: Request) -> Response:
        return json_response(views.plans(self._reader(request), request.args))

    @read_http("GET", "/plans/<plan_id>")
    def get_plan(self, request: Request, plan_id: str) -> Response:
        return json_response(views.plan(self._reader(request), plan_id))

    @read_http("GET", "/plans/<plan_id>/history")
    def get_plan_history(self, request: Request, plan_id: str) -> Response:
        return json_response(views.plan_history(self._reader(request), plan_id))

    @write_http("POST", "/plans")
    def create_plan(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.PlanBody, request.get_data())
            plan = handle(commands.CreatePlan(body.node, body.year), ctx)
            return json_response(views.plan_view(plan, plan_document(plan)), 201)

        return self._write(request, "plan.create", "-", run)

    @write_http("PUT", "/plans/<plan_id>/draft")
    def edit_plan(self, request: Request, plan_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(plan_id, "plan_id")
            body = schemas.parse(schemas.PlanDraftBody, request.get_data())
            items = tuple(PlannedItem(i.item_id, i.item_version, i.planned_tasks, i.note) for i in body.items)
            omissions = tuple((o.item_id, o.reason) for o in body.omissions)
            plan, report = handle(commands.EditPlan(key, items, omissions), ctx)
            return json_response(
                {**views.plan_view(plan, plan_document(plan)), "coverage": views.coverage_view(report, plan)}
            )

        return self._write(request, "plan.edit", plan_id, run)

    def _plan_step(
        self, request: Request, plan_id: str, action: str, model: Any, command: Callable[..., Any]
    ) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(plan_id, "plan_id")
            body = schemas.parse(model, request.get_data())
            plan = handle(command(key, *body.model_dump().values()), ctx)
            return json_response(views.plan_view(plan, plan_document(plan)))

        return self._write(request, action, plan_id, run)

    @write_http("POST", "/plans/<plan_id>/file")
    def file_plan(self, request: Request, plan_id: str) -> Response:
        return self._plan_step(request, plan_id, "plan.file", schemas.NoteBody, commands.FilePlan)

    @write_http("POST", "/plans/<plan_id>/accept")
    def accept_plan(self, request: Request, plan_id: str) -> Response:
        return self._plan_step(request, plan_id, "plan.accept", schemas.CommentBody, commands.AcceptPlan)

    @write_http("POST", "/plans/<plan_id>/return")
    def return_plan(self, request: Request, plan_id: str) -> Response:
        return self._plan_step(request, plan_id, "plan.return", schemas.CommentBody, commands.ReturnPlan)

    @write_http("POST", "/plans/<plan_id>/publish")
    def publish_plan(self, request: Request, plan_id: str) -> Response:
        return self._plan_step(request, plan_id, "plan.publish", schemas.NoteBody, commands.PublishPlan)

    @write_http("POST", "/plans/<plan_id>/adjust")
    def adjust_plan(self, request: Request, plan_id: str) -> Response:
        return self._plan_step(request, plan_id, "plan.adjust", schemas.AdjustBody, commands.AdjustPlan)

    # -- tasks ------------------------------------------------------------------------------

    @read_http("GET", "/tasks")
    def list_tasks(self, request: Request) -> Response:
        return json_response(views.tasks(self._reader(request), request.args))

    @read_http("GET", "/tasks/<task_id>")
    def get_task(self, request: Request, task_id: str) -> Response:
        return json_response(views.task(self._reader(request), task_id))

    @read_http("GET", "/tasks/<task_id>/history")
    def get_task_history(self, request: Request, task_id: str) -> Response:
        return json_response(views.task_history(self._reader(request), task_id))

    @read_http("GET", "/tasks/<task_id>/progress")
    def get_task_progress(self, request: Request, task_id: str) -> Response:
        return json_response(views.task_progress(self._reader(request), task_id))

    @read_http("GET", "/merge-candidates")
    def get_merge_candidates(self, request: Request) -> Response:
        return json_response(views.merge_candidates(self._reader(request), request.args))

    @write_http("POST", "/tasks")
    def create_task(self, request: Request) -> Response:
        def run(ctx: Context) -> Response:
            body = schemas.parse(schemas.TaskBody, request.get_data())
            if body.node is None:
                raise required("node")
            task = handle(commands.CreateTask(body.node, body), ctx)
            return json_response(views.task_view(task, task_document(task)), 201)

        return self._write(request, "task.create", "-", run, "task")

    @write_http("PUT", "/tasks/<task_id>")
    def revise_task(self, request: Request, task_id: str) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(task_id, "task_id")
            body = schemas.parse(schemas.TaskBody, request.get_data())
            task = handle(commands.ReviseTask(key, body), ctx)
            return json_response(views.task_view(task, task_document(task)))

        return self._write(request, "task.revise", task_id, run, "task")

    def _task_step(self, request: Request, task_id: str, target: TaskStatus | None) -> Response:
        def run(ctx: Context) -> Response:
            key = check_id(task_id, "task_id")
            if target is not None:
                body = schemas.parse(schemas.ReasonBody, request.get_data())
                task = handle(commands.MoveTask(key, target, body.reason), ctx)
            else:
                status = schemas.parse(schemas.StatusBody, request.get_data())
                task = handle(commands.OverrideTaskStatus(key, TaskStatus(status.to), status.reason), ctx)
            return json_response(views.task_view(task, task_document(task)))

        action = f"task.{target.value}" if target is not None else OVERRIDE
        return self._write(request, action, task_id, run, "task")

    @write_http("POST", "/tasks/<task_id>/publish")
    def publish_task(self, request: Request, task_id: str) -> Response:
        return self._task_step(request, task_id, TaskStatus.PUBLISHED)

    @write_http("POST", "/tasks/<task_id>/freeze")
    def freeze_task(self, request: Request, task_id: str) -> Response:
        return self._task_step(request, task_id, TaskStatus.FROZEN)

    @write_http("POST", "/tasks/<task_id>/cancel")
    def cancel_task(self, request: Request, task_id: str) -> Response:
        return self._task_step(request, task_id, TaskStatus.CANCELLED)

    @write_http("POST", "/tasks/<task_id>/status")
    def record_progress(self, request: Request, task_id: str) -> Response:
        return self._task_step(request, task_id, None)

    @read_http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)
