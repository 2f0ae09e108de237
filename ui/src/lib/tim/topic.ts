// The community and topic methods of the facade (TIM's
// getJoinedCommunityList, createTopicInCommunity, deleteTopicFromCommunity,
// updateTopicProfile, getTopicList): each wraps one `tim.*` command and
// resolves TIM's `imResponse.data`. A topic's messages are sent like a
// group's (`conversationType: GROUP`, `to` = the topic ID); its
// conversation is `GROUP<topicID>`. TOPIC_CREATED, TOPIC_DELETED and
// TOPIC_UPDATED (also when my unread count or last message in a topic
// changes) come from the SDK.
import type { DeleteTopicResponse, GetGroupListResponse, TopicIdResponse, TopicList, UpdatedTopic } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** `createTopicInCommunity` options: `groupID` and `topicName` are required. */
export interface CreateTopicOptions {
  groupID: string;
  topicName: string;
  /** A custom ID, `<groupID>@TOPIC#<part>` (else 3021). */
  topicID?: string;
  avatar?: string;
  notification?: string;
  introduction?: string;
  customData?: string;
}

/** `updateTopicProfile` options: the fields to change. */
export interface UpdateTopicOptions {
  groupID: string;
  topicID: string;
  topicName?: string;
  avatar?: string;
  notification?: string;
  introduction?: string;
  customData?: string;
  muteAllMembers?: boolean;
}

/** The community and topic methods over `core`. */
export function topicApi(core: TimCore) {
  return {
    /** The communities with topics I am in (`{groupList}`). */
    getJoinedCommunityList(): Promise<ImResponse<GetGroupListResponse>> {
      return core.tim('tim.getJoinedCommunityList', {});
    },

    /** Owner and admins; resolves `{topicID}`. */
    createTopicInCommunity(options: CreateTopicOptions): Promise<ImResponse<TopicIdResponse>> {
      return core.tim('tim.createTopicInCommunity', {
        topicID: '',
        avatar: '',
        notification: '',
        introduction: '',
        customData: '',
        ...options,
      });
    },

    /** Owner and admins; without `topicIDList`, every topic. Resolves `{successTopicList, failureTopicList}`. */
    deleteTopicFromCommunity(options: { groupID: string; topicIDList?: string[] }): Promise<ImResponse<DeleteTopicResponse>> {
      return core.tim('tim.deleteTopicFromCommunity', options);
    },

    /** Owner and admins; resolves `{topic}`. The other members get TOPIC_UPDATED. */
    updateTopicProfile(options: UpdateTopicOptions): Promise<ImResponse<UpdatedTopic>> {
      return core.tim('tim.updateTopicProfile', options);
    },

    /** Members; without `topicIDList`, every topic. At most 10 calls a second (2996). */
    getTopicList(options: { groupID: string; topicIDList?: string[] }): Promise<ImResponse<TopicList>> {
      return core.tim('tim.getTopicList', options);
    },
  };
}

/** The community and topic methods of `Tim`. */
export type TopicApi = ReturnType<typeof topicApi>;
