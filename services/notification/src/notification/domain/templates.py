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
            version=2,  # 2: the new code is sent to the holder (另行发送), no longer handed over by whoever reset it
            seed_section="平台安全（非来源文件）：账号重置须告知本人（docs/security.md）",
            channels=OUTSIDE,
            subject="【账号安全】您的登录凭据已被重置",
            body=(
                "您在节点 {node} 的平台账号的密码和动态口令已于 {reset_at} 被重置（操作人 {reset_by}），"
                "新的激活码已另行发送至您登记的邮箱或手机，{code_expires_at} 前有效。"
                "如非本人申请，请立即联系本单位管理员。" + _SIGN
            ),
            sms="【双随机监管】您的平台账号已于{reset_at}被重置（操作人{reset_by}）。如非本人申请，请立即联系管理员。",
            mandatory=True,
        ),
        Template(
            id="enrolment_code",
            version=1,
            seed_section="平台安全（非来源文件）：激活码只交本人（docs/identity.md 激活）",
            channels=OUTSIDE,  # the holder cannot log in yet: no inbox; the code is in no inbox either
            subject="【账号激活】{name}，您的平台账号激活码",
            body=(
                "{name}：\n"
                "{why}，登录名 {login}（节点 {node}）。\n"
                "激活码：{code}\n"
                "请于 {expires_at} 前使用激活码设置密码并绑定动态口令（POST /auth/enrol）。"
                "激活码只发给您本人，任何人（包括管理员）向您索要都不要提供。" + _SIGN
            ),
            sms="【双随机监管】{name}，您的平台登录名{login}，激活码{code}，{expires_at}前有效，请勿告诉任何人。",
            mandatory=True,
        ),
        Template(
            id="account_locked",
            version=1,
            seed_section="平台安全（非来源文件）：账号锁定须告知本人和管理员（docs/identity.md）",
            channels=STAFF,
            subject="【账号安全】账号 {login} 因多次登录失败被暂时锁定",
            body=(
                "节点 {node} 的账号 {login} 于 {locked_at} 因连续登录失败被暂时锁定，至 {locked_until} 自动解除"
                "（最后一次失败来自 {client}）。如非本人操作，可能有人在尝试猜测密码，请联系本单位管理员。" + _SIGN
            ),
            sms="【双随机监管】账号{login}于{locked_at}因多次登录失败被锁定至{locked_until}，如非本人操作请联系管理员。",
            mandatory=True,
        ),
        Template(
            id="account_unlocked",
            version=1,
            seed_section="平台安全（非来源文件）：提前解除锁定须告知本人和管理员（docs/identity.md）",
            channels=STAFF_NO_SMS,
            subject="【账号安全】账号 {login} 的登录锁定已被解除",
            body=(
                "节点 {node} 的账号 {login} 的登录锁定已于 {unlocked_at} 由管理员 {unlocked_by} 提前解除"
                "（{was_locked}），理由：{reason}。如非本人申请，请立即联系本单位管理员。" + _SIGN
            ),
            sms="【双随机监管】账号{login}的登录锁定已于{unlocked_at}被管理员解除，如非本人申请请联系管理员。",
            mandatory=True,
        ),
        Template(
            id="overdue_escalated",
            version=1,
            seed_section="000 §三(七) 20 个工作日内公示；002 §四(四) 上级监督；004 §13 监督管理",
            channels=STAFF,
            subject="【逾期未办结，提请督办】{what}（节点 {node}）",
            body=(
                "节点 {node} 的{what}（{subject_id}）应于 {due} 前完成，{detected_on} 已逾期并告知上级 {supervisor}，"
                "至 {on} 已过 {workdays} 个工作日仍未办结，请你级督促办理。" + _SIGN
            ),
            sms="【双随机监管】节点{node}的{what}逾期{workdays}个工作日仍未办结（应于{due}前完成），请督办。",
            mandatory=True,
        ),
        Template(
            id="access_requested",
            version=1,
            seed_section="004 §12.4.1、§12.4.2 档案查阅、借阅审批",
            channels=STAFF_NO_SMS,
            subject="【档案{mode}申请】{entity_name}",
            body=(
                "{requester} 申请{mode}档案：{entity_name}（统一社会信用代码 {uscc}）第 {versions} 版，"
                "用途：{purpose}，有效期至 {valid_until}。\n"
                "须经部门负责人、分管领导同意，请登录平台办理（申请编号 {request_id}）。" + _SIGN
            ),
            sms="【双随机监管】{requester}申请{mode}{entity_name}的档案，请登录平台审批。",
        ),
        Template(
            id="access_granted",
            version=1,
            seed_section="004 §12.4.2 借阅档案应当报经部门负责人、分管领导同意",
            channels=STAFF_NO_SMS,
            subject="【档案{mode}已批准】档案 {archive_id}",
            body=(
                "您的档案{mode}申请（{request_id}）已经部门负责人、分管领导同意：档案 {archive_id} 第 {versions} 版，"
                "有效期至 {valid_until}。" + _SIGN
            ),
            sms="【双随机监管】您的档案{mode}申请已批准，有效期至{valid_until}。",
        ),
        Template(
            id="access_refused",
            version=1,
            seed_section="004 §12.4.1、§12.4.2 档案查阅、借阅审批",
            channels=STAFF_NO_SMS,
            subject="【档案查阅借阅未获批准】档案 {archive_id}",
            body="您的档案查阅、借阅申请（{request_id}）未获{position}同意：{comment}" + _SIGN,
            sms="【双随机监管】您的档案查阅、借阅申请未获批准。",
        ),
        Template(
            id="borrowing_due",
            version=1,
            seed_section="004 §12.4.2 借阅登记；§12.4.4 借阅归还",
            channels=STAFF,
            subject="【档案即将到期归还】{entity_name}",
            body=(
                "您借阅的档案 {entity_name}（统一社会信用代码 {uscc}）第 {version} 版应于 {due_back} 前归还，"
                "距到期还有 {workdays} 个工作日（至 {on}），请按期交还档案管理人员核对。" + _SIGN
            ),
            sms="【双随机监管】您借阅的{entity_name}档案应于{due_back}前归还，还有{workdays}个工作日。",
        ),
        Template(
            id="borrowing_overdue",
            version=1,
            seed_section="004 §12.4.2 借阅登记；§12.4.3 保密；§12.4.4 借阅归还",
            channels=STAFF,
            subject="【档案借阅逾期未还】{entity_name}",
            body=(
                "档案 {entity_name}（统一社会信用代码 {uscc}）第 {version} 版由 {borrower} 借阅，"
                "应于 {due_back} 前归还，至 {on} 仍未归还。请借阅人立即归还，档案管理人员督促并核对。" + _SIGN
            ),
            sms="【双随机监管】{entity_name}档案借阅已逾期（应于{due_back}前归还），请立即归还。",
            mandatory=True,
        ),
        Template(
            id="archive_return_problem",
            version=1,
            seed_section="004 §12.4.4 发现问题及时报告并注明有关情况",
            channels=STAFF_NO_SMS,
            subject="【档案归还发现问题】{entity_name}：{condition}",
            body=(
                "档案 {entity_name}（统一社会信用代码 {uscc}）第 {version} 版由 {borrower} 归还，"
                "经 {keeper} 核对：{condition}。情况说明：{note}" + _SIGN
            ),
            sms="【双随机监管】{entity_name}档案归还核对发现问题：{condition}。",
            mandatory=True,
        ),
    )
}

ACCESS_MODE = {"read": "查阅", "borrow": "借阅"}
POSITION = {"department_head": "部门负责人", "leader_in_charge": "分管领导"}
CONDITION = {"intact": "完好", "damaged": "损坏", "missing": "缺失"}
OVERDUE_WHAT = {"result": "检查结果录入", "publication": "检查结果公示", "correction": "责令整改"}
