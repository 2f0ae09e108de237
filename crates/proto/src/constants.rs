//! TIM constants: the exact `TIM.EVENT` and `TIM.TYPES` values of tim-js-sdk 2.27.
//!
//! Values are facts of the TIM API (checked against
//! `shared/reference/tim-constants.json` by a test). Names keep TIM's
//! spelling so code reads like the specification.

/// `TIM.EVENT`: event names as delivered to `on` handlers.
pub mod event {
    /// `TIM.EVENT.SDK_READY`.
    pub const SDK_READY: &str = "sdkStateReady";
    /// `TIM.EVENT.SDK_NOT_READY`.
    pub const SDK_NOT_READY: &str = "sdkStateNotReady";
    /// `TIM.EVENT.SDK_DESTROY`.
    pub const SDK_DESTROY: &str = "sdkDestroy";
    /// `TIM.EVENT.MESSAGE_RECEIVED`.
    pub const MESSAGE_RECEIVED: &str = "onMessageReceived";
    /// `TIM.EVENT.MESSAGE_MODIFIED`.
    pub const MESSAGE_MODIFIED: &str = "onMessageModified";
    /// `TIM.EVENT.MESSAGE_REVOKED`.
    pub const MESSAGE_REVOKED: &str = "onMessageRevoked";
    /// `TIM.EVENT.MESSAGE_READ_BY_PEER`.
    pub const MESSAGE_READ_BY_PEER: &str = "onMessageReadByPeer";
    /// `TIM.EVENT.MESSAGE_READ_RECEIPT_RECEIVED`.
    pub const MESSAGE_READ_RECEIPT_RECEIVED: &str = "onMessageReadReceiptReceived";
    /// `TIM.EVENT.MESSAGE_EXTENSIONS_UPDATED`.
    pub const MESSAGE_EXTENSIONS_UPDATED: &str = "onMessageExtensionsUpdated";
    /// `TIM.EVENT.MESSAGE_EXTENSIONS_DELETED`.
    pub const MESSAGE_EXTENSIONS_DELETED: &str = "onMessageExtensionsDeleted";
    /// `TIM.EVENT.CONVERSATION_LIST_UPDATED`.
    pub const CONVERSATION_LIST_UPDATED: &str = "onConversationListUpdated";
    /// `TIM.EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED`.
    pub const TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: &str = "onTotalUnreadMessageCountUpdated";
    /// `TIM.EVENT.CONVERSATION_GROUP_LIST_UPDATED`.
    pub const CONVERSATION_GROUP_LIST_UPDATED: &str = "onConversationGroupListUpdated";
    /// `TIM.EVENT.CONVERSATION_IN_GROUP_UPDATED`.
    pub const CONVERSATION_IN_GROUP_UPDATED: &str = "onConversationInGroupUpdated";
    /// `TIM.EVENT.GROUP_LIST_UPDATED`.
    pub const GROUP_LIST_UPDATED: &str = "onGroupListUpdated";
    /// `TIM.EVENT.GROUP_SYSTEM_NOTICE_RECEIVED`.
    pub const GROUP_SYSTEM_NOTICE_RECEIVED: &str = "receiveGroupSystemNotice";
    /// `TIM.EVENT.GROUP_ATTRIBUTES_UPDATED`.
    pub const GROUP_ATTRIBUTES_UPDATED: &str = "groupAttributesUpdated";
    /// `TIM.EVENT.GROUP_COUNTER_UPDATED`.
    pub const GROUP_COUNTER_UPDATED: &str = "onGroupCounterUpdated";
    /// `TIM.EVENT.TOPIC_CREATED`.
    pub const TOPIC_CREATED: &str = "onTopicCreated";
    /// `TIM.EVENT.TOPIC_DELETED`.
    pub const TOPIC_DELETED: &str = "onTopicDeleted";
    /// `TIM.EVENT.TOPIC_UPDATED`.
    pub const TOPIC_UPDATED: &str = "onTopicUpdated";
    /// `TIM.EVENT.PROFILE_UPDATED`.
    pub const PROFILE_UPDATED: &str = "onProfileUpdated";
    /// `TIM.EVENT.USER_STATUS_UPDATED`.
    pub const USER_STATUS_UPDATED: &str = "onUserStatusUpdated";
    /// `TIM.EVENT.BLACKLIST_UPDATED`.
    pub const BLACKLIST_UPDATED: &str = "blacklistUpdated";
    /// `TIM.EVENT.FRIEND_LIST_UPDATED`.
    pub const FRIEND_LIST_UPDATED: &str = "onFriendListUpdated";
    /// `TIM.EVENT.FRIEND_GROUP_LIST_UPDATED`.
    pub const FRIEND_GROUP_LIST_UPDATED: &str = "onFriendGroupListUpdated";
    /// `TIM.EVENT.FRIEND_APPLICATION_LIST_UPDATED`.
    pub const FRIEND_APPLICATION_LIST_UPDATED: &str = "onFriendApplicationListUpdated";
    /// `TIM.EVENT.KICKED_OUT`.
    pub const KICKED_OUT: &str = "kickedOut";
    /// `TIM.EVENT.ERROR`.
    pub const ERROR: &str = "error";
    /// `TIM.EVENT.NET_STATE_CHANGE`.
    pub const NET_STATE_CHANGE: &str = "netStateChange";
    /// `TIM.EVENT.SDK_RELOAD`.
    pub const SDK_RELOAD: &str = "sdkReload";

    /// Every `TIM.EVENT` entry as (key, value).
    pub const ALL: &[(&str, &str)] = &[
        ("SDK_READY", SDK_READY),
        ("SDK_NOT_READY", SDK_NOT_READY),
        ("SDK_DESTROY", SDK_DESTROY),
        ("MESSAGE_RECEIVED", MESSAGE_RECEIVED),
        ("MESSAGE_MODIFIED", MESSAGE_MODIFIED),
        ("MESSAGE_REVOKED", MESSAGE_REVOKED),
        ("MESSAGE_READ_BY_PEER", MESSAGE_READ_BY_PEER),
        ("MESSAGE_READ_RECEIPT_RECEIVED", MESSAGE_READ_RECEIPT_RECEIVED),
        ("MESSAGE_EXTENSIONS_UPDATED", MESSAGE_EXTENSIONS_UPDATED),
        ("MESSAGE_EXTENSIONS_DELETED", MESSAGE_EXTENSIONS_DELETED),
        ("CONVERSATION_LIST_UPDATED", CONVERSATION_LIST_UPDATED),
        ("TOTAL_UNREAD_MESSAGE_COUNT_UPDATED", TOTAL_UNREAD_MESSAGE_COUNT_UPDATED),
        ("CONVERSATION_GROUP_LIST_UPDATED", CONVERSATION_GROUP_LIST_UPDATED),
        ("CONVERSATION_IN_GROUP_UPDATED", CONVERSATION_IN_GROUP_UPDATED),
        ("GROUP_LIST_UPDATED", GROUP_LIST_UPDATED),
        ("GROUP_SYSTEM_NOTICE_RECEIVED", GROUP_SYSTEM_NOTICE_RECEIVED),
        ("GROUP_ATTRIBUTES_UPDATED", GROUP_ATTRIBUTES_UPDATED),
        ("GROUP_COUNTER_UPDATED", GROUP_COUNTER_UPDATED),
        ("TOPIC_CREATED", TOPIC_CREATED),
        ("TOPIC_DELETED", TOPIC_DELETED),
        ("TOPIC_UPDATED", TOPIC_UPDATED),
        ("PROFILE_UPDATED", PROFILE_UPDATED),
        ("USER_STATUS_UPDATED", USER_STATUS_UPDATED),
        ("BLACKLIST_UPDATED", BLACKLIST_UPDATED),
        ("FRIEND_LIST_UPDATED", FRIEND_LIST_UPDATED),
        ("FRIEND_GROUP_LIST_UPDATED", FRIEND_GROUP_LIST_UPDATED),
        ("FRIEND_APPLICATION_LIST_UPDATED", FRIEND_APPLICATION_LIST_UPDATED),
        ("KICKED_OUT", KICKED_OUT),
        ("ERROR", ERROR),
        ("NET_STATE_CHANGE", NET_STATE_CHANGE),
        ("SDK_RELOAD", SDK_RELOAD),
    ];
}

/// `TIM.TYPES`: message, conversation, group, profile and other constants.
pub mod types {
    /// `TIM.TYPES.MSG_TEXT`.
    pub const MSG_TEXT: &str = "TIMTextElem";
    /// `TIM.TYPES.MSG_IMAGE`.
    pub const MSG_IMAGE: &str = "TIMImageElem";
    /// `TIM.TYPES.MSG_SOUND`.
    pub const MSG_SOUND: &str = "TIMSoundElem";
    /// `TIM.TYPES.MSG_AUDIO`.
    pub const MSG_AUDIO: &str = "TIMSoundElem";
    /// `TIM.TYPES.MSG_FILE`.
    pub const MSG_FILE: &str = "TIMFileElem";
    /// `TIM.TYPES.MSG_FACE`.
    pub const MSG_FACE: &str = "TIMFaceElem";
    /// `TIM.TYPES.MSG_VIDEO`.
    pub const MSG_VIDEO: &str = "TIMVideoFileElem";
    /// `TIM.TYPES.MSG_GEO`.
    pub const MSG_GEO: &str = "TIMLocationElem";
    /// `TIM.TYPES.MSG_LOCATION`.
    pub const MSG_LOCATION: &str = "TIMLocationElem";
    /// `TIM.TYPES.MSG_GRP_TIP`.
    pub const MSG_GRP_TIP: &str = "TIMGroupTipElem";
    /// `TIM.TYPES.MSG_GRP_SYS_NOTICE`.
    pub const MSG_GRP_SYS_NOTICE: &str = "TIMGroupSystemNoticeElem";
    /// `TIM.TYPES.MSG_CUSTOM`.
    pub const MSG_CUSTOM: &str = "TIMCustomElem";
    /// `TIM.TYPES.MSG_MERGER`.
    pub const MSG_MERGER: &str = "TIMRelayElem";
    /// `TIM.TYPES.MSG_PRIORITY_HIGH`.
    pub const MSG_PRIORITY_HIGH: &str = "High";
    /// `TIM.TYPES.MSG_PRIORITY_NORMAL`.
    pub const MSG_PRIORITY_NORMAL: &str = "Normal";
    /// `TIM.TYPES.MSG_PRIORITY_LOW`.
    pub const MSG_PRIORITY_LOW: &str = "Low";
    /// `TIM.TYPES.MSG_PRIORITY_LOWEST`.
    pub const MSG_PRIORITY_LOWEST: &str = "Lowest";
    /// `TIM.TYPES.CONV_C2C`.
    pub const CONV_C2C: &str = "C2C";
    /// `TIM.TYPES.CONV_GROUP`.
    pub const CONV_GROUP: &str = "GROUP";
    /// `TIM.TYPES.CONV_TOPIC`.
    pub const CONV_TOPIC: &str = "TOPIC";
    /// `TIM.TYPES.CONV_SYSTEM`.
    pub const CONV_SYSTEM: &str = "@TIM#SYSTEM";
    /// `TIM.TYPES.CONV_AT_ME`.
    pub const CONV_AT_ME: i64 = 1;
    /// `TIM.TYPES.CONV_AT_ALL`.
    pub const CONV_AT_ALL: i64 = 2;
    /// `TIM.TYPES.CONV_AT_ALL_AT_ME`.
    pub const CONV_AT_ALL_AT_ME: i64 = 3;
    /// `TIM.TYPES.CONV_MARK_TYPE_STAR`.
    pub const CONV_MARK_TYPE_STAR: i64 = 1;
    /// `TIM.TYPES.CONV_MARK_TYPE_UNREAD`.
    pub const CONV_MARK_TYPE_UNREAD: i64 = 2;
    /// `TIM.TYPES.CONV_MARK_TYPE_FOLD`.
    pub const CONV_MARK_TYPE_FOLD: i64 = 4;
    /// `TIM.TYPES.CONV_MARK_TYPE_HIDE`.
    pub const CONV_MARK_TYPE_HIDE: i64 = 8;
    /// `TIM.TYPES.GRP_PRIVATE`.
    pub const GRP_PRIVATE: &str = "Private";
    /// `TIM.TYPES.GRP_WORK`.
    pub const GRP_WORK: &str = "Private";
    /// `TIM.TYPES.GRP_PUBLIC`.
    pub const GRP_PUBLIC: &str = "Public";
    /// `TIM.TYPES.GRP_CHATROOM`.
    pub const GRP_CHATROOM: &str = "ChatRoom";
    /// `TIM.TYPES.GRP_MEETING`.
    pub const GRP_MEETING: &str = "ChatRoom";
    /// `TIM.TYPES.GRP_AVCHATROOM`.
    pub const GRP_AVCHATROOM: &str = "AVChatRoom";
    /// `TIM.TYPES.GRP_COMMUNITY`.
    pub const GRP_COMMUNITY: &str = "Community";
    /// `TIM.TYPES.GRP_MBR_ROLE_OWNER`.
    pub const GRP_MBR_ROLE_OWNER: &str = "Owner";
    /// `TIM.TYPES.GRP_MBR_ROLE_ADMIN`.
    pub const GRP_MBR_ROLE_ADMIN: &str = "Admin";
    /// `TIM.TYPES.GRP_MBR_ROLE_MEMBER`.
    pub const GRP_MBR_ROLE_MEMBER: &str = "Member";
    /// `TIM.TYPES.GRP_MBR_ROLE_CUSTOM`.
    pub const GRP_MBR_ROLE_CUSTOM: &str = "Custom";
    /// `TIM.TYPES.GRP_TIP_MBR_JOIN`.
    pub const GRP_TIP_MBR_JOIN: i64 = 1;
    /// `TIM.TYPES.GRP_TIP_MBR_QUIT`.
    pub const GRP_TIP_MBR_QUIT: i64 = 2;
    /// `TIM.TYPES.GRP_TIP_MBR_KICKED_OUT`.
    pub const GRP_TIP_MBR_KICKED_OUT: i64 = 3;
    /// `TIM.TYPES.GRP_TIP_MBR_SET_ADMIN`.
    pub const GRP_TIP_MBR_SET_ADMIN: i64 = 4;
    /// `TIM.TYPES.GRP_TIP_MBR_CANCELED_ADMIN`.
    pub const GRP_TIP_MBR_CANCELED_ADMIN: i64 = 5;
    /// `TIM.TYPES.GRP_TIP_GRP_PROFILE_UPDATED`.
    pub const GRP_TIP_GRP_PROFILE_UPDATED: i64 = 6;
    /// `TIM.TYPES.GRP_TIP_MBR_PROFILE_UPDATED`.
    pub const GRP_TIP_MBR_PROFILE_UPDATED: i64 = 7;
    /// `TIM.TYPES.GRP_TIP_BAN_AVCHATROOM_MEMBER`.
    pub const GRP_TIP_BAN_AVCHATROOM_MEMBER: i64 = 10;
    /// `TIM.TYPES.GRP_TIP_UNBAN_AVCHATROOM_MEMBER`.
    pub const GRP_TIP_UNBAN_AVCHATROOM_MEMBER: i64 = 11;
    /// `TIM.TYPES.MSG_REMIND_ACPT_AND_NOTE`.
    pub const MSG_REMIND_ACPT_AND_NOTE: &str = "AcceptAndNotify";
    /// `TIM.TYPES.MSG_REMIND_ACPT_NOT_NOTE`.
    pub const MSG_REMIND_ACPT_NOT_NOTE: &str = "AcceptNotNotify";
    /// `TIM.TYPES.MSG_REMIND_DISCARD`.
    pub const MSG_REMIND_DISCARD: &str = "Discard";
    /// `TIM.TYPES.GENDER_UNKNOWN`.
    pub const GENDER_UNKNOWN: &str = "Gender_Type_Unknown";
    /// `TIM.TYPES.GENDER_FEMALE`.
    pub const GENDER_FEMALE: &str = "Gender_Type_Female";
    /// `TIM.TYPES.GENDER_MALE`.
    pub const GENDER_MALE: &str = "Gender_Type_Male";
    /// `TIM.TYPES.KICKED_OUT_MULT_ACCOUNT`.
    pub const KICKED_OUT_MULT_ACCOUNT: &str = "multipleAccount";
    /// `TIM.TYPES.KICKED_OUT_MULT_DEVICE`.
    pub const KICKED_OUT_MULT_DEVICE: &str = "multipleDevice";
    /// `TIM.TYPES.KICKED_OUT_USERSIG_EXPIRED`.
    pub const KICKED_OUT_USERSIG_EXPIRED: &str = "userSigExpired";
    /// `TIM.TYPES.KICKED_OUT_REST_API`.
    pub const KICKED_OUT_REST_API: &str = "REST_API_Kick";
    /// `TIM.TYPES.ALLOW_TYPE_ALLOW_ANY`.
    pub const ALLOW_TYPE_ALLOW_ANY: &str = "AllowType_Type_AllowAny";
    /// `TIM.TYPES.ALLOW_TYPE_NEED_CONFIRM`.
    pub const ALLOW_TYPE_NEED_CONFIRM: &str = "AllowType_Type_NeedConfirm";
    /// `TIM.TYPES.ALLOW_TYPE_DENY_ANY`.
    pub const ALLOW_TYPE_DENY_ANY: &str = "AllowType_Type_DenyAny";
    /// `TIM.TYPES.FORBID_TYPE_NONE`.
    pub const FORBID_TYPE_NONE: &str = "AdminForbid_Type_None";
    /// `TIM.TYPES.FORBID_TYPE_SEND_OUT`.
    pub const FORBID_TYPE_SEND_OUT: &str = "AdminForbid_Type_SendOut";
    /// `TIM.TYPES.JOIN_OPTIONS_FREE_ACCESS`.
    pub const JOIN_OPTIONS_FREE_ACCESS: &str = "FreeAccess";
    /// `TIM.TYPES.JOIN_OPTIONS_NEED_PERMISSION`.
    pub const JOIN_OPTIONS_NEED_PERMISSION: &str = "NeedPermission";
    /// `TIM.TYPES.JOIN_OPTIONS_DISABLE_APPLY`.
    pub const JOIN_OPTIONS_DISABLE_APPLY: &str = "DisableApply";
    /// `TIM.TYPES.JOIN_STATUS_SUCCESS`.
    pub const JOIN_STATUS_SUCCESS: &str = "JoinedSuccess";
    /// `TIM.TYPES.JOIN_STATUS_ALREADY_IN_GROUP`.
    pub const JOIN_STATUS_ALREADY_IN_GROUP: &str = "AlreadyInGroup";
    /// `TIM.TYPES.JOIN_STATUS_WAIT_APPROVAL`.
    pub const JOIN_STATUS_WAIT_APPROVAL: &str = "WaitAdminApproval";
    /// `TIM.TYPES.INVITE_OPTIONS_DISABLE_INVITE`.
    pub const INVITE_OPTIONS_DISABLE_INVITE: &str = "DisableInvite";
    /// `TIM.TYPES.INVITE_OPTIONS_NEED_PERMISSION`.
    pub const INVITE_OPTIONS_NEED_PERMISSION: &str = "NeedPermission";
    /// `TIM.TYPES.INVITE_OPTIONS_FREE_ACCESS`.
    pub const INVITE_OPTIONS_FREE_ACCESS: &str = "FreeAccess";
    /// `TIM.TYPES.GRP_PROFILE_OWNER_ID`.
    pub const GRP_PROFILE_OWNER_ID: &str = "ownerID";
    /// `TIM.TYPES.GRP_PROFILE_CREATE_TIME`.
    pub const GRP_PROFILE_CREATE_TIME: &str = "createTime";
    /// `TIM.TYPES.GRP_PROFILE_LAST_INFO_TIME`.
    pub const GRP_PROFILE_LAST_INFO_TIME: &str = "lastInfoTime";
    /// `TIM.TYPES.GRP_PROFILE_MEMBER_NUM`.
    pub const GRP_PROFILE_MEMBER_NUM: &str = "memberNum";
    /// `TIM.TYPES.GRP_PROFILE_MAX_MEMBER_NUM`.
    pub const GRP_PROFILE_MAX_MEMBER_NUM: &str = "maxMemberNum";
    /// `TIM.TYPES.GRP_PROFILE_JOIN_OPTION`.
    pub const GRP_PROFILE_JOIN_OPTION: &str = "joinOption";
    /// `TIM.TYPES.GRP_PROFILE_INVITE_OPTION`.
    pub const GRP_PROFILE_INVITE_OPTION: &str = "inviteOption";
    /// `TIM.TYPES.GRP_PROFILE_INTRODUCTION`.
    pub const GRP_PROFILE_INTRODUCTION: &str = "introduction";
    /// `TIM.TYPES.GRP_PROFILE_NOTIFICATION`.
    pub const GRP_PROFILE_NOTIFICATION: &str = "notification";
    /// `TIM.TYPES.GRP_PROFILE_MUTE_ALL_MBRS`.
    pub const GRP_PROFILE_MUTE_ALL_MBRS: &str = "muteAllMembers";
    /// `TIM.TYPES.SNS_ADD_TYPE_SINGLE`.
    pub const SNS_ADD_TYPE_SINGLE: &str = "Add_Type_Single";
    /// `TIM.TYPES.SNS_ADD_TYPE_BOTH`.
    pub const SNS_ADD_TYPE_BOTH: &str = "Add_Type_Both";
    /// `TIM.TYPES.SNS_DELETE_TYPE_SINGLE`.
    pub const SNS_DELETE_TYPE_SINGLE: &str = "Delete_Type_Single";
    /// `TIM.TYPES.SNS_DELETE_TYPE_BOTH`.
    pub const SNS_DELETE_TYPE_BOTH: &str = "Delete_Type_Both";
    /// `TIM.TYPES.SNS_APPLICATION_TYPE_BOTH`.
    pub const SNS_APPLICATION_TYPE_BOTH: &str = "Pendency_Type_Both";
    /// `TIM.TYPES.SNS_APPLICATION_SENT_TO_ME`.
    pub const SNS_APPLICATION_SENT_TO_ME: &str = "Pendency_Type_ComeIn";
    /// `TIM.TYPES.SNS_APPLICATION_SENT_BY_ME`.
    pub const SNS_APPLICATION_SENT_BY_ME: &str = "Pendency_Type_SendOut";
    /// `TIM.TYPES.SNS_APPLICATION_AGREE`.
    pub const SNS_APPLICATION_AGREE: &str = "Response_Action_Agree";
    /// `TIM.TYPES.SNS_APPLICATION_AGREE_AND_ADD`.
    pub const SNS_APPLICATION_AGREE_AND_ADD: &str = "Response_Action_AgreeAndAdd";
    /// `TIM.TYPES.SNS_CHECK_TYPE_BOTH`.
    pub const SNS_CHECK_TYPE_BOTH: &str = "CheckResult_Type_Both";
    /// `TIM.TYPES.SNS_CHECK_TYPE_SINGLE`.
    pub const SNS_CHECK_TYPE_SINGLE: &str = "CheckResult_Type_Single";
    /// `TIM.TYPES.SNS_TYPE_NO_RELATION`.
    pub const SNS_TYPE_NO_RELATION: &str = "CheckResult_Type_NoRelation";
    /// `TIM.TYPES.SNS_TYPE_A_WITH_B`.
    pub const SNS_TYPE_A_WITH_B: &str = "CheckResult_Type_AWithB";
    /// `TIM.TYPES.SNS_TYPE_B_WITH_A`.
    pub const SNS_TYPE_B_WITH_A: &str = "CheckResult_Type_BWithA";
    /// `TIM.TYPES.SNS_TYPE_BOTH_WAY`.
    pub const SNS_TYPE_BOTH_WAY: &str = "CheckResult_Type_BothWay";
    /// `TIM.TYPES.NET_STATE_CONNECTED`.
    pub const NET_STATE_CONNECTED: &str = "connected";
    /// `TIM.TYPES.NET_STATE_CONNECTING`.
    pub const NET_STATE_CONNECTING: &str = "connecting";
    /// `TIM.TYPES.NET_STATE_DISCONNECTED`.
    pub const NET_STATE_DISCONNECTED: &str = "disconnected";
    /// `TIM.TYPES.MSG_AT_ALL`.
    pub const MSG_AT_ALL: &str = "__kImSDK_MesssageAtALL__";
    /// `TIM.TYPES.READ_ALL_C2C_MSG`.
    pub const READ_ALL_C2C_MSG: &str = "readAllC2CMessage";
    /// `TIM.TYPES.READ_ALL_GROUP_MSG`.
    pub const READ_ALL_GROUP_MSG: &str = "readAllGroupMessage";
    /// `TIM.TYPES.READ_ALL_MSG`.
    pub const READ_ALL_MSG: &str = "readAllMessage";
    /// `TIM.TYPES.USER_STATUS_UNKNOWN`.
    pub const USER_STATUS_UNKNOWN: i64 = 0;
    /// `TIM.TYPES.USER_STATUS_ONLINE`.
    pub const USER_STATUS_ONLINE: i64 = 1;
    /// `TIM.TYPES.USER_STATUS_OFFLINE`.
    pub const USER_STATUS_OFFLINE: i64 = 2;
    /// `TIM.TYPES.USER_STATUS_UNLOGINED`.
    pub const USER_STATUS_UNLOGINED: i64 = 3;

    /// Every string-valued `TIM.TYPES` entry as (key, value).
    pub const ALL_STR: &[(&str, &str)] = &[
        ("MSG_TEXT", MSG_TEXT),
        ("MSG_IMAGE", MSG_IMAGE),
        ("MSG_SOUND", MSG_SOUND),
        ("MSG_AUDIO", MSG_AUDIO),
        ("MSG_FILE", MSG_FILE),
        ("MSG_FACE", MSG_FACE),
        ("MSG_VIDEO", MSG_VIDEO),
        ("MSG_GEO", MSG_GEO),
        ("MSG_LOCATION", MSG_LOCATION),
        ("MSG_GRP_TIP", MSG_GRP_TIP),
        ("MSG_GRP_SYS_NOTICE", MSG_GRP_SYS_NOTICE),
        ("MSG_CUSTOM", MSG_CUSTOM),
        ("MSG_MERGER", MSG_MERGER),
        ("MSG_PRIORITY_HIGH", MSG_PRIORITY_HIGH),
        ("MSG_PRIORITY_NORMAL", MSG_PRIORITY_NORMAL),
        ("MSG_PRIORITY_LOW", MSG_PRIORITY_LOW),
        ("MSG_PRIORITY_LOWEST", MSG_PRIORITY_LOWEST),
        ("CONV_C2C", CONV_C2C),
        ("CONV_GROUP", CONV_GROUP),
        ("CONV_TOPIC", CONV_TOPIC),
        ("CONV_SYSTEM", CONV_SYSTEM),
        ("GRP_PRIVATE", GRP_PRIVATE),
        ("GRP_WORK", GRP_WORK),
        ("GRP_PUBLIC", GRP_PUBLIC),
        ("GRP_CHATROOM", GRP_CHATROOM),
        ("GRP_MEETING", GRP_MEETING),
        ("GRP_AVCHATROOM", GRP_AVCHATROOM),
        ("GRP_COMMUNITY", GRP_COMMUNITY),
        ("GRP_MBR_ROLE_OWNER", GRP_MBR_ROLE_OWNER),
        ("GRP_MBR_ROLE_ADMIN", GRP_MBR_ROLE_ADMIN),
        ("GRP_MBR_ROLE_MEMBER", GRP_MBR_ROLE_MEMBER),
        ("GRP_MBR_ROLE_CUSTOM", GRP_MBR_ROLE_CUSTOM),
        ("MSG_REMIND_ACPT_AND_NOTE", MSG_REMIND_ACPT_AND_NOTE),
        ("MSG_REMIND_ACPT_NOT_NOTE", MSG_REMIND_ACPT_NOT_NOTE),
        ("MSG_REMIND_DISCARD", MSG_REMIND_DISCARD),
        ("GENDER_UNKNOWN", GENDER_UNKNOWN),
        ("GENDER_FEMALE", GENDER_FEMALE),
        ("GENDER_MALE", GENDER_MALE),
        ("KICKED_OUT_MULT_ACCOUNT", KICKED_OUT_MULT_ACCOUNT),
        ("KICKED_OUT_MULT_DEVICE", KICKED_OUT_MULT_DEVICE),
        ("KICKED_OUT_USERSIG_EXPIRED", KICKED_OUT_USERSIG_EXPIRED),
        ("KICKED_OUT_REST_API", KICKED_OUT_REST_API),
        ("ALLOW_TYPE_ALLOW_ANY", ALLOW_TYPE_ALLOW_ANY),
        ("ALLOW_TYPE_NEED_CONFIRM", ALLOW_TYPE_NEED_CONFIRM),
        ("ALLOW_TYPE_DENY_ANY", ALLOW_TYPE_DENY_ANY),
        ("FORBID_TYPE_NONE", FORBID_TYPE_NONE),
        ("FORBID_TYPE_SEND_OUT", FORBID_TYPE_SEND_OUT),
        ("JOIN_OPTIONS_FREE_ACCESS", JOIN_OPTIONS_FREE_ACCESS),
        ("JOIN_OPTIONS_NEED_PERMISSION", JOIN_OPTIONS_NEED_PERMISSION),
        ("JOIN_OPTIONS_DISABLE_APPLY", JOIN_OPTIONS_DISABLE_APPLY),
        ("JOIN_STATUS_SUCCESS", JOIN_STATUS_SUCCESS),
        ("JOIN_STATUS_ALREADY_IN_GROUP", JOIN_STATUS_ALREADY_IN_GROUP),
        ("JOIN_STATUS_WAIT_APPROVAL", JOIN_STATUS_WAIT_APPROVAL),
        ("INVITE_OPTIONS_DISABLE_INVITE", INVITE_OPTIONS_DISABLE_INVITE),
        ("INVITE_OPTIONS_NEED_PERMISSION", INVITE_OPTIONS_NEED_PERMISSION),
        ("INVITE_OPTIONS_FREE_ACCESS", INVITE_OPTIONS_FREE_ACCESS),
        ("GRP_PROFILE_OWNER_ID", GRP_PROFILE_OWNER_ID),
        ("GRP_PROFILE_CREATE_TIME", GRP_PROFILE_CREATE_TIME),
        ("GRP_PROFILE_LAST_INFO_TIME", GRP_PROFILE_LAST_INFO_TIME),
        ("GRP_PROFILE_MEMBER_NUM", GRP_PROFILE_MEMBER_NUM),
        ("GRP_PROFILE_MAX_MEMBER_NUM", GRP_PROFILE_MAX_MEMBER_NUM),
        ("GRP_PROFILE_JOIN_OPTION", GRP_PROFILE_JOIN_OPTION),
        ("GRP_PROFILE_INVITE_OPTION", GRP_PROFILE_INVITE_OPTION),
        ("GRP_PROFILE_INTRODUCTION", GRP_PROFILE_INTRODUCTION),
        ("GRP_PROFILE_NOTIFICATION", GRP_PROFILE_NOTIFICATION),
        ("GRP_PROFILE_MUTE_ALL_MBRS", GRP_PROFILE_MUTE_ALL_MBRS),
        ("SNS_ADD_TYPE_SINGLE", SNS_ADD_TYPE_SINGLE),
        ("SNS_ADD_TYPE_BOTH", SNS_ADD_TYPE_BOTH),
        ("SNS_DELETE_TYPE_SINGLE", SNS_DELETE_TYPE_SINGLE),
        ("SNS_DELETE_TYPE_BOTH", SNS_DELETE_TYPE_BOTH),
        ("SNS_APPLICATION_TYPE_BOTH", SNS_APPLICATION_TYPE_BOTH),
        ("SNS_APPLICATION_SENT_TO_ME", SNS_APPLICATION_SENT_TO_ME),
        ("SNS_APPLICATION_SENT_BY_ME", SNS_APPLICATION_SENT_BY_ME),
        ("SNS_APPLICATION_AGREE", SNS_APPLICATION_AGREE),
        ("SNS_APPLICATION_AGREE_AND_ADD", SNS_APPLICATION_AGREE_AND_ADD),
        ("SNS_CHECK_TYPE_BOTH", SNS_CHECK_TYPE_BOTH),
        ("SNS_CHECK_TYPE_SINGLE", SNS_CHECK_TYPE_SINGLE),
        ("SNS_TYPE_NO_RELATION", SNS_TYPE_NO_RELATION),
        ("SNS_TYPE_A_WITH_B", SNS_TYPE_A_WITH_B),
        ("SNS_TYPE_B_WITH_A", SNS_TYPE_B_WITH_A),
        ("SNS_TYPE_BOTH_WAY", SNS_TYPE_BOTH_WAY),
        ("NET_STATE_CONNECTED", NET_STATE_CONNECTED),
        ("NET_STATE_CONNECTING", NET_STATE_CONNECTING),
        ("NET_STATE_DISCONNECTED", NET_STATE_DISCONNECTED),
        ("MSG_AT_ALL", MSG_AT_ALL),
        ("READ_ALL_C2C_MSG", READ_ALL_C2C_MSG),
        ("READ_ALL_GROUP_MSG", READ_ALL_GROUP_MSG),
        ("READ_ALL_MSG", READ_ALL_MSG),
    ];
    /// Every number-valued `TIM.TYPES` entry as (key, value).
    pub const ALL_NUM: &[(&str, i64)] = &[
        ("CONV_AT_ME", CONV_AT_ME),
        ("CONV_AT_ALL", CONV_AT_ALL),
        ("CONV_AT_ALL_AT_ME", CONV_AT_ALL_AT_ME),
        ("CONV_MARK_TYPE_STAR", CONV_MARK_TYPE_STAR),
        ("CONV_MARK_TYPE_UNREAD", CONV_MARK_TYPE_UNREAD),
        ("CONV_MARK_TYPE_FOLD", CONV_MARK_TYPE_FOLD),
        ("CONV_MARK_TYPE_HIDE", CONV_MARK_TYPE_HIDE),
        ("GRP_TIP_MBR_JOIN", GRP_TIP_MBR_JOIN),
        ("GRP_TIP_MBR_QUIT", GRP_TIP_MBR_QUIT),
        ("GRP_TIP_MBR_KICKED_OUT", GRP_TIP_MBR_KICKED_OUT),
        ("GRP_TIP_MBR_SET_ADMIN", GRP_TIP_MBR_SET_ADMIN),
        ("GRP_TIP_MBR_CANCELED_ADMIN", GRP_TIP_MBR_CANCELED_ADMIN),
        ("GRP_TIP_GRP_PROFILE_UPDATED", GRP_TIP_GRP_PROFILE_UPDATED),
        ("GRP_TIP_MBR_PROFILE_UPDATED", GRP_TIP_MBR_PROFILE_UPDATED),
        ("GRP_TIP_BAN_AVCHATROOM_MEMBER", GRP_TIP_BAN_AVCHATROOM_MEMBER),
        ("GRP_TIP_UNBAN_AVCHATROOM_MEMBER", GRP_TIP_UNBAN_AVCHATROOM_MEMBER),
        ("USER_STATUS_UNKNOWN", USER_STATUS_UNKNOWN),
        ("USER_STATUS_ONLINE", USER_STATUS_ONLINE),
        ("USER_STATUS_OFFLINE", USER_STATUS_OFFLINE),
        ("USER_STATUS_UNLOGINED", USER_STATUS_UNLOGINED),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference file lives in `shared/` beside the repository.
    fn reference() -> serde_json::Value {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/tim-constants.json");
        let text = std::fs::read_to_string(path)
            .expect("shared/reference/tim-constants.json beside the repo");
        serde_json::from_str(&text).expect("valid JSON")
    }

    #[test]
    fn constants_match_the_reference() {
        let r = reference();
        let events = r["EVENT"].as_object().expect("EVENT object");
        assert_eq!(events.len(), event::ALL.len());
        for (k, v) in event::ALL {
            assert_eq!(events[*k].as_str(), Some(*v), "EVENT.{k}");
        }
        let types = r["TYPES"].as_object().expect("TYPES object");
        assert_eq!(types.len(), types::ALL_STR.len() + types::ALL_NUM.len());
        for (k, v) in types::ALL_STR {
            assert_eq!(types[*k].as_str(), Some(*v), "TYPES.{k}");
        }
        for (k, v) in types::ALL_NUM {
            assert_eq!(types[*k].as_i64(), Some(*v), "TYPES.{k}");
        }
    }
}
