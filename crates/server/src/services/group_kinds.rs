//! The rules of TIM's five group kinds, in one table ([`KINDS`]) that every
//! group handler and service reads ([`rules`]). A rule that differs by kind
//! is a column here, never an `if` on the kind elsewhere.
//!
//! Sources: the seed's method texts and the checklist's group-type matrix
//! (checklist 1188-1227) and method sections (651-915). Where the text
//! conflicts (the effective invite default of a Work group, checklist 683)
//! the column says which reading is taken.

use confab_proto::group::{GroupType, InviteOption, JoinOption};
use confab_proto::{code, ErrorBody};

/// How a user joins a kind of group by request (`joinGroup`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JoinRule {
    /// Never by request; members are added (Work: 2601 `CANNOT_JOIN_WORK`).
    AddedOnly,
    /// As the group's `joinOption` says (FreeAccess, NeedPermission,
    /// DisableApply).
    ByOption,
    /// Always free: joining succeeds at once.
    Free,
}

/// The rules of one kind of group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KindRules {
    /// The kind.
    pub kind: GroupType,
    /// How users join by request.
    pub join: JoinRule,
    /// Whether `joinOption` may be given at creation or changed.
    pub join_option_settable: bool,
    /// Whether `inviteOption` may be given at creation or changed.
    pub invite_option_settable: bool,
    /// The invite option a group of this kind gets when none is given
    /// (checklist 683: Work members may invite, others may not).
    pub default_invite: InviteOption,
    /// Whether the owner may dismiss it (Work: never, 2622).
    pub dismissable: bool,
    /// Whether the owner may quit (Work only, leaving it ownerless).
    pub owner_may_quit: bool,
    /// Default `maxMemberNum` (0: unlimited).
    pub default_max_members: u64,
    /// Whether its messages are stored (AVChatRoom: broadcast only).
    pub keeps_history: bool,
    /// Whether a message may be targeted at some members (`receiverList`;
    /// not in a Community or an AVChatRoom, checklist 96).
    pub targeted_messages: bool,
    /// Whether it appears in the group list and the conversation list
    /// and counts unread messages (not AVChatRoom).
    pub listed: bool,
    /// Whether members can be muted one by one (not Work).
    pub members_mutable: bool,
    /// Whether `searchGroupByID` finds it (not Work).
    pub searchable: bool,
    /// Whether the owner may transfer it (not AVChatRoom, 2620).
    pub transferable: bool,
    /// Whether member roles may be set (not Work, not AVChatRoom: 2682).
    pub roles_settable: bool,
    /// Whether the `Custom` role exists (Community only).
    pub custom_role: bool,
    /// Whether members may be given at creation or added later (not
    /// AVChatRoom: 2661).
    pub members_addable: bool,
    /// Whether members are stored (AVChatRoom: its members are its online
    /// joiners, kept in memory only).
    pub stored_members: bool,
    /// Whether name cards are kept (not AVChatRoom).
    pub name_cards: bool,
    /// Whether the owner marks members (`markGroupMemberList`) and the
    /// member list filters by mark (AVChatRoom only, checklist 911, 1215).
    pub member_marks: bool,
}

/// Every kind's rules (checklist 1188-1227).
pub(crate) const KINDS: [KindRules; 5] = [
    KindRules {
        kind: GroupType::Work,
        join: JoinRule::AddedOnly,
        join_option_settable: false,
        invite_option_settable: true,
        default_invite: InviteOption::FreeAccess,
        dismissable: false,
        owner_may_quit: true,
        default_max_members: 200,
        keeps_history: true,
        targeted_messages: true,
        listed: true,
        members_mutable: false,
        searchable: false,
        transferable: true,
        roles_settable: false,
        custom_role: false,
        members_addable: true,
        stored_members: true,
        name_cards: true,
        member_marks: false,
    },
    KindRules {
        kind: GroupType::Public,
        join: JoinRule::ByOption,
        join_option_settable: true,
        invite_option_settable: true,
        default_invite: InviteOption::DisableInvite,
        dismissable: true,
        owner_may_quit: false,
        default_max_members: 2000,
        keeps_history: true,
        targeted_messages: true,
        listed: true,
        members_mutable: true,
        searchable: true,
        transferable: true,
        roles_settable: true,
        custom_role: false,
        members_addable: true,
        stored_members: true,
        name_cards: true,
        member_marks: false,
    },
    KindRules {
        kind: GroupType::Meeting,
        join: JoinRule::Free,
        join_option_settable: false,
        invite_option_settable: true,
        default_invite: InviteOption::DisableInvite,
        dismissable: true,
        owner_may_quit: false,
        default_max_members: 10_000,
        keeps_history: true,
        targeted_messages: true,
        listed: true,
        members_mutable: true,
        searchable: true,
        transferable: true,
        roles_settable: true,
        custom_role: false,
        members_addable: true,
        stored_members: true,
        name_cards: true,
        member_marks: false,
    },
    KindRules {
        kind: GroupType::AvChatRoom,
        join: JoinRule::Free,
        join_option_settable: false,
        invite_option_settable: false,
        default_invite: InviteOption::DisableInvite,
        dismissable: true,
        owner_may_quit: false,
        default_max_members: 0,
        keeps_history: false,
        targeted_messages: false,
        listed: false,
        members_mutable: true,
        searchable: true,
        transferable: false,
        roles_settable: false,
        custom_role: false,
        members_addable: false,
        stored_members: false,
        name_cards: false,
        member_marks: true,
    },
    KindRules {
        kind: GroupType::Community,
        join: JoinRule::ByOption,
        join_option_settable: true,
        invite_option_settable: true,
        default_invite: InviteOption::DisableInvite,
        dismissable: true,
        owner_may_quit: false,
        // The seed gives no default; Tencent's product limit for a
        // community is 100,000 members.
        default_max_members: 100_000,
        keeps_history: true,
        targeted_messages: false,
        listed: true,
        members_mutable: true,
        searchable: true,
        transferable: true,
        roles_settable: true,
        custom_role: true,
        members_addable: true,
        stored_members: true,
        name_cards: true,
        member_marks: false,
    },
];

/// The rules of `kind`.
pub(crate) fn rules(kind: GroupType) -> &'static KindRules {
    // Every GroupType has a row (a test checks it); Work's is the fallback
    // only to keep this total.
    KINDS.iter().find(|k| k.kind == kind).unwrap_or(&KINDS[0])
}

fn refuse(code: i32, message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code, message)
}

impl KindRules {
    /// Checks the options of a new group; returns the effective
    /// `(joinOption, inviteOption)`.
    pub(crate) fn creation_options(
        &self,
        join: Option<JoinOption>,
        invite: Option<InviteOption>,
    ) -> Result<(JoinOption, InviteOption), ErrorBody> {
        self.check_options(join, invite)?;
        Ok((join.unwrap_or_default(), invite.unwrap_or(self.default_invite)))
    }

    /// Refuses options this kind does not take (10004 for a join option of
    /// Work, Meeting, AVChatRoom or an invite option of AVChatRoom:
    /// checklist 680, 682, 711-712).
    pub(crate) fn check_options(
        &self,
        join: Option<JoinOption>,
        invite: Option<InviteOption>,
    ) -> Result<(), ErrorBody> {
        if join.is_some() && !self.join_option_settable {
            return Err(refuse(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                format!("a {} group has no joinOption", self.kind.as_str()),
            ));
        }
        if invite.is_some() && !self.invite_option_settable {
            return Err(refuse(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                format!("a {} group has no inviteOption", self.kind.as_str()),
            ));
        }
        Ok(())
    }

    /// The effective join option of a group of this kind with `stored`.
    pub(crate) fn effective_join(&self, stored: JoinOption) -> Result<JoinOption, ErrorBody> {
        match self.join {
            JoinRule::AddedOnly => Err(refuse(
                code::CANNOT_JOIN_WORK,
                "a Work group cannot be joined by request; members are added",
            )),
            JoinRule::ByOption => Ok(stored),
            JoinRule::Free => Ok(JoinOption::FreeAccess),
        }
    }

    /// Default `maxMemberNum`, or the asked one (0 stays unlimited only
    /// for a kind without a limit).
    pub(crate) fn max_members(&self, asked: Option<u64>) -> u64 {
        match asked {
            Some(n)
                if n > 0 && (self.default_max_members == 0 || n <= self.default_max_members) =>
            {
                n
            }
            _ => self.default_max_members,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_row() {
        for kind in GroupType::ALL {
            assert_eq!(KINDS.iter().filter(|k| k.kind == kind).count(), 1, "{kind:?}");
            assert_eq!(rules(kind).kind, kind);
        }
    }

    // checklist 1189-1196: Work.
    #[test]
    fn work_groups() {
        let work = rules(GroupType::Work);
        // checklist 1190: cannot be joined by request.
        assert_eq!(work.join, JoinRule::AddedOnly);
        assert_eq!(work.effective_join(JoinOption::FreeAccess).unwrap_err().code, 2601);
        // checklist 1191: any member may invite by default.
        assert_eq!(work.creation_options(None, None).unwrap().1, InviteOption::FreeAccess);
        // checklist 1192: joinOption cannot be set or changed.
        assert!(!work.join_option_settable);
        assert!(work.creation_options(Some(JoinOption::FreeAccess), None).is_err());
        assert!(work.invite_option_settable);
        // checklist 1193: not searchable.
        assert!(!work.searchable);
        // checklist 1194: never dismissed; the owner may quit.
        assert!(!work.dismissable && work.owner_may_quit);
        // checklist 1195: members cannot be muted.
        assert!(!work.members_mutable);
        // checklist 1196: 200 members by default.
        assert_eq!(work.default_max_members, 200);
        // checklist 888: roles cannot be set in Work (2682).
        assert!(!work.roles_settable && !work.custom_role);
        assert!(work.listed && work.keeps_history && work.transferable);
        assert!(work.members_addable && work.stored_members && work.name_cards);
    }

    // checklist 1197-1200: Public.
    #[test]
    fn public_groups() {
        let public = rules(GroupType::Public);
        // checklist 1198: FreeAccess by default, also NeedPermission or DisableApply.
        assert_eq!(public.join, JoinRule::ByOption);
        assert_eq!(public.creation_options(None, None).unwrap().0, JoinOption::FreeAccess);
        for option in [JoinOption::NeedPermission, JoinOption::DisableApply] {
            assert_eq!(public.effective_join(option), Ok(option));
        }
        // checklist 1199: members cannot invite by default.
        assert_eq!(public.creation_options(None, None).unwrap().1, InviteOption::DisableInvite);
        assert!(public.invite_option_settable && public.join_option_settable);
        // checklist 1200: 2000 members by default.
        assert_eq!(public.default_max_members, 2000);
        assert!(public.dismissable && !public.owner_may_quit);
        assert!(public.searchable && public.members_mutable && public.roles_settable);
        assert!(!public.custom_role && public.transferable && public.listed);
    }

    // checklist 1201-1204: Meeting.
    #[test]
    fn meeting_groups() {
        let meeting = rules(GroupType::Meeting);
        // checklist 1202: always free, joinOption cannot be set.
        assert_eq!(meeting.effective_join(JoinOption::DisableApply), Ok(JoinOption::FreeAccess));
        assert!(!meeting.join_option_settable);
        // checklist 1203: no invitations by default; inviteOption allows them.
        assert_eq!(meeting.default_invite, InviteOption::DisableInvite);
        assert!(meeting.invite_option_settable);
        // checklist 1204: 10000 members by default.
        assert_eq!(meeting.default_max_members, 10_000);
        assert!(meeting.dismissable && !meeting.owner_may_quit && meeting.searchable);
        assert!(meeting.members_mutable && meeting.roles_settable && !meeting.custom_role);
    }

    // checklist 1205-1217: AVChatRoom.
    #[test]
    fn avchatroom_groups() {
        let av = rules(GroupType::AvChatRoom);
        // checklist 1206: never in getGroupList (nor conversations, unread).
        assert!(!av.listed);
        // checklist 1209: nobody adds members; no options; not transferable.
        assert!(!av.members_addable);
        assert!(!av.join_option_settable && !av.invite_option_settable);
        assert!(av.creation_options(None, Some(InviteOption::FreeAccess)).is_err());
        assert!(!av.transferable);
        // checklist 1210: no name cards.
        assert!(!av.name_cards);
        // checklist 1217: no member limit.
        assert_eq!(av.default_max_members, 0);
        assert_eq!(av.max_members(None), 0);
        // Always free to join (checklist 1202, 711); members are online joiners.
        assert_eq!(av.effective_join(JoinOption::DisableApply), Ok(JoinOption::FreeAccess));
        assert!(!av.stored_members && !av.keeps_history);
        // checklist 888: roles cannot be set (2682).
        assert!(!av.roles_settable);
        assert!(av.dismissable && !av.owner_may_quit && av.searchable && av.members_mutable);
    }

    // checklist 1218-1224: Community.
    #[test]
    fn community_groups() {
        let community = rules(GroupType::Community);
        // checklist 1222: only here a member can be Custom.
        assert!(community.custom_role && community.roles_settable);
        // checklist 1223: no invitations by default.
        assert_eq!(community.default_invite, InviteOption::DisableInvite);
        assert_eq!(community.join, JoinRule::ByOption);
        assert_eq!(community.default_max_members, 100_000);
        assert!(community.listed && community.keeps_history && community.searchable);
        assert!(community.dismissable && !community.owner_may_quit && community.transferable);
        for other in [GroupType::Work, GroupType::Public, GroupType::Meeting, GroupType::AvChatRoom]
        {
            assert!(!rules(other).custom_role, "{other:?}");
        }
    }

    // checklist 678: maxMemberNum defaults by kind; a larger one is capped.
    #[test]
    fn member_limits() {
        assert_eq!(rules(GroupType::Work).max_members(Some(50)), 50);
        assert_eq!(rules(GroupType::Work).max_members(Some(5000)), 200);
        assert_eq!(rules(GroupType::Public).max_members(None), 2000);
        assert_eq!(rules(GroupType::AvChatRoom).max_members(Some(7)), 7);
    }
}
