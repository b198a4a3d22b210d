"""The Chinese templates, versioned: each notification keeps the id and version it was rendered from, and each
template names the section of the source documents (../shared/seeds) it serves. A wording change is a new
version; old notifications keep theirs. Standard library only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from notification.domain.model import Channel

STAFF = (Channel.INBOX, Channel.EMAIL, Channel.SMS)
STAFF_NO_SMS = (Channel.INBOX, Channel.EMAIL)
OUTSIDE = (Channel.EMAIL, Channel.SMS)  # entities and locked-out holders have no inbox they can read


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    seed_section: str
    channels: tuple[Channel, ...]
    subject: str
    body: str
    sms: str
    mandatory: bool = False  # the rules require it: a person's preferences cannot switch it off

    def render(self, channel: Channel, params: Mapping[str, object]) -> tuple[str, str]:
        """(subject, body) for `channel`: the SMS text is short, e-mail and inbox carry the whole body."""
        subject = self.subject.format_map(dict(params))
        text = self.sms if channel is Channel.SMS else self.body
        return subject, text.format_map(dict(params))


_SIGN = "\n\n（本通知由“双随机、一公开”监管平台发出，请勿直接回复。）"

TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template(
            id="assignment",
            version=1,
            seed_section="004 §9.2.1 匹配人员；§9.1.1 上级机关统一抽取",
            channels=STAFF,
            subject="【检查任务】{entity_name}",
            body=(
                "您已被随机匹配为以下检查对象的执法检查人员：\n"
                "检查对象：{entity_name}（统一社会信用代码 {uscc}）\n"
                "抽查任务：{tasks}\n"
                "检查期间：{period}\n"
                "同组检查人员：{teammates}\n"
                "请登录平台查看任务详情并按期完成检查。" + _SIGN
            ),
            sms="【双随机监管】您已被匹配检查{entity_name}，任务：{tasks}，期间{period}，同组：{teammates}。",
            mandatory=True,
        ),
        Template(
            id="team_changed",
            version=1,
            seed_section="004 §9.2.2 人员要求",
            channels=STAFF,
            subject="【检查组变更】{entity_name}",
            body=(
                "检查对象 {entity_name}（统一社会信用代码 {uscc}）的检查组已变更：\n"
                "{replaced} 因“{reason}”不再参加本次检查，由 {by} 接替（经 {approver} 批准）。\n"
                "现检查组成员：{team}。" + _SIGN
            ),
            sms="【双随机监管】{entity_name}检查组变更：{replaced}由{by}接替，现成员：{team}。",
            mandatory=True,
        ),
        Template(
            id="team_left",
            version=1,
            seed_section="004 §9.2.2 人员要求",
            channels=STAFF,
            subject="【检查任务取消】{entity_name}",
            body=(
                "因“{reason}”，您不再参加检查对象 {entity_name}（统一社会信用代码 {uscc}）的检查，"
                "由 {by} 接替（经 {approver} 批准）。" + _SIGN
            ),
            sms="【双随机监管】您不再参加{entity_name}的检查，由{by}接替。",
            mandatory=True,
        ),
        Template(
            id="prior_notice",
            version=1,
            seed_section="004 §9.3.2.2 事先告知",
            channels=OUTSIDE,
            subject="【检查告知书】{entity_name}",
            body=(
                "{entity_name}：\n"
                "根据“双随机、一公开”抽查工作安排，本机关将于 {window_start} 至 {window_end} 期间对你单位进行检查。\n"
                "检查事项：{items}\n"
                "请提前准备以下材料：{materials}\n"
                "检查人员：{inspectors}（检查时出示执法证件）\n"
                "告知书文本的 SHA-256：{pdf_sha256}" + _SIGN
            ),
            sms="【人社部门】{entity_name}：将于{window_start}至{window_end}对你单位进行检查，事项：{items}，请准备相关材料。",
            mandatory=True,
        ),
        Template(
            id="result_submitted",
            version=1,
            seed_section="004 §9.3.2.4 录入结果与公示",
            channels=STAFF_NO_SMS,
            subject="【待审核】{entity_name} 的检查结果",
            body=(
                "{entity_name}（统一社会信用代码 {uscc}）的检查结果（第 {version} 版）"
                "已由 {submitted_by} 提交，待审核。" + _SIGN
            ),
            sms="【双随机监管】{entity_name}的检查结果已提交，待审核。",
        ),
        Template(
            id="result_returned",
            version=1,
            seed_section="004 §9.3.2.4 录入结果与公示",
            channels=STAFF,
            subject="【退回修改】{entity_name} 的检查结果",
            body="{entity_name}（统一社会信用代码 {uscc}）的检查结果（第 {version} 版）被 {reviewer} 退回：{opinion}"
            + _SIGN,
            sms="【双随机监管】{entity_name}的检查结果被退回，请登录平台查看意见。",
        ),
        Template(
            id="result_approved",
            version=1,
            seed_section="004 §9.3.2.4 录入结果与公示",
            channels=STAFF_NO_SMS,
            subject="【已审核】{entity_name} 的检查结果",
            body="{entity_name}（统一社会信用代码 {uscc}）的检查结果（第 {version} 版）已由 {reviewer} 审核通过。"
            + _SIGN,
            sms="【双随机监管】{entity_name}的检查结果已审核通过。",
        ),
        Template(
            id="overdue",
            version=1,
            seed_section="004 §9.3.2.4 录入结果与公示；000 §三(七) 20 个工作日内公示",
            channels=STAFF,
            subject="【已逾期】{what}（节点 {node}）",
            body="节点 {node} 的{what}（{subject_id}）应于 {due} 前完成，至 {detected_on} 仍未完成，请督促办理。"
            + _SIGN,
            sms="【双随机监管】节点{node}的{what}已逾期（应于{due}前完成），请督促办理。",
            mandatory=True,
        ),
        Template(
            id="deadline_approaching",
            version=1,
            seed_section="004 §9.3.2.4 录入结果与公示；000 §三(七) 20 个工作日内公示",
            channels=STAFF,
            subject="【即将到期】{entity_name} 的检查结果应于 {due} 前录入",
            body=(
                "{entity_name}（统一社会信用代码 {uscc}）的检查结果应于 {due} 前录入，"
                "距到期还有 {workdays} 个工作日（至 {on}），目前尚未提交，请按期办理。\n"
                "检查组成员：{team}" + _SIGN
            ),
            sms="【双随机监管】{entity_name}的检查结果应于{due}前录入，还有{workdays}个工作日，请按期办理。",
        ),
        Template(
            id="enrolment_reset",
            version=1,
            seed_section="平台安全（非来源文件）：账号重置须告知本人（docs/security.md）",
            channels=OUTSIDE,
            subject="【账号安全】您的登录凭据已被重置",
            body=(
                "您在节点 {node} 的平台账号的密码和动态口令已于 {reset_at} 被重置（操作人 {reset_by}），"
                "新的激活码由操作人交付，{code_expires_at} 前有效。如非本人申请，请立即联系本单位管理员。" + _SIGN
            ),
            sms="【双随机监管】您的平台账号已于{reset_at}被重置（操作人{reset_by}）。如非本人申请，请立即联系管理员。",
            mandatory=True,
        ),
    )
}

OVERDUE_WHAT = {"result": "检查结果录入", "publication": "检查结果公示", "correction": "责令整改"}
