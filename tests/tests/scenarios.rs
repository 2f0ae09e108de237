//! Scenario tests: one real server and several SDK clients per test.

mod scenarios {
    mod abuse;
    mod accounts;
    mod api;
    mod auth;
    mod avatars;
    mod bad_input;
    mod chat;
    mod conversation_settings;
    mod devices;
    mod durability;
    mod extensions;
    mod file_messages;
    mod file_service;
    mod friends;
    mod group_rules;
    mod groups;
    mod groups_more;
    mod hostile_files;
    mod merger;
    mod message_ids;
    mod message_ops;
    mod offline;
    mod protocol_doc;
    mod read_clear_translate;
    mod receipts;
    mod relations;
    mod rest_accounts;
    mod rest_admin_cli;
    mod rest_groups;
    mod rest_messages;
    mod rest_relations;
    mod sdk_groups;
    mod search;
    mod sessions;
    mod status;
    mod tim_fidelity;
    mod tls;
    mod topics;
    mod webhooks;
}
