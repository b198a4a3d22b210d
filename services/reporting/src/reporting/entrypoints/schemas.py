"""Request bodies (pydantic): unknown fields refused, every refusal naming the field in Chinese."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from hrss.web import Body, Text
from reporting.domain.report import Document, Entries, Meeting, Training


class MeetingBody(Body):
    name: Text = Field(min_length=1, max_length=200)
    held_on: date


class DocumentBody(Body):
    title: Text = Field(min_length=1, max_length=200)
    number: Text = Field(min_length=1, max_length=60)


class TrainingBody(Body):
    name: Text = Field(min_length=1, max_length=200)
    participants: int = Field(ge=1, le=1_000_000)
    content: Text = Field(min_length=1, max_length=1000)


class EntriesBody(Body):
    """What the node enters for the month (parts 1–3 of the form and its contact lines); the whole set each time."""

    meetings: list[MeetingBody] = Field(default_factory=list, max_length=100)
    documents: list[DocumentBody] = Field(default_factory=list, max_length=100)
    trainings: list[TrainingBody] = Field(default_factory=list, max_length=100)
    contact: Text = Field(default="", max_length=40)
    phone: Text = Field(default="", max_length=30)
    mobile: Text = Field(default="", max_length=11)

    def entries(self) -> Entries:
        return Entries(
            meetings=tuple(Meeting(m.name, m.held_on) for m in self.meetings),
            documents=tuple(Document(d.title, d.number) for d in self.documents),
            trainings=tuple(Training(t.name, t.participants, t.content) for t in self.trainings),
            contact=self.contact,
            phone=self.phone,
            mobile=self.mobile,
        )


class SubmitBody(Body):
    """A correction (a second submission or later) says why."""

    reason: Text | None = Field(default=None, max_length=500)
