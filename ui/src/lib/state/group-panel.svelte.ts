/** Which group's info panel is open (null: none). The chat header's group button opens it. */
class GroupPanel {
  groupID: string | null = $state(null);
}

/** The one group-panel holder of the app. */
export const groupPanel = new GroupPanel();

/** Opens the group info panel for `id`. */
export function openGroupInfo(id: string): void {
  groupPanel.groupID = id;
}

/** Closes the group info panel. */
export function closeGroupInfo(): void {
  groupPanel.groupID = null;
}
