//! The OpenAI-compatible client against the wire-accurate fake and against llmock.

mod anthropic;
mod claude_code;
mod fuzz;
mod gemini;
mod mcp;
mod ollama;
mod openai_fake;
mod openai_llmock;
mod retry;
mod tools;
mod web;
