// The group info panel's one piece of shared state: which group it shows
// (null: closed). The chat header's info button opens it; the panel
// component (components/groups/GroupInfoPanel.svelte) reads it and closes it.

/** The group whose info panel is open, or null. */
export const groupPanel: { groupID: string | null } = $state({ groupID: null });

/** Opens the info panel of `groupID`. */
export function openGroupInfo(groupID: string): void {
  groupPanel.groupID = groupID;
}

/** Closes the info panel. */
export function closeGroupInfo(): void {
  groupPanel.groupID = null;
}
