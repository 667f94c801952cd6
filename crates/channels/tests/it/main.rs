//! Channel adapters against wire-accurate fakes on loopback.

mod whatsapp_cloud;
