//! Channel adapters against wire-accurate fakes on loopback.

mod fuzz;
mod whatsapp_cloud;
