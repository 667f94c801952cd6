//! What a call costs when the provider does not say. Many OpenAI-compatible servers send no usage
//! in their stream (they ignore `stream_options.include_usage`), and a call recorded as 0 tokens
//! would never count against a token cap. Such a call is counted at four characters a token:
//! everything the request sends — the system prompt, each message with its tool calls and
//! results, the tools' schemas, images at a flat rate — and everything the answer holds. The
//! usage is marked `estimated`, and so is its audit row.

use crate::{ChatRequest, ChatResponse, Usage};

/// Characters per token: the usual rule of thumb for English text (other scripts take more
/// tokens per character, so a cap holds a little later than it would by the provider's count).
pub const CHARS_PER_TOKEN: usize = 4;

/// What one image is counted as: a picture of about a megapixel is 1,100 to 1,600 tokens at
/// OpenAI's and Anthropic's rates.
pub const IMAGE_TOKENS: u64 = 1_500;

/// The tokens `request` sends, estimated. A request resuming a provider-side session is counted
/// as what such a provider sends: the system prompt and the new message.
pub fn request_tokens(request: &ChatRequest) -> u64 {
    let sent = match request.resume {
        Some(_) => request.messages.len().saturating_sub(1),
        None => 0,
    };
    let messages = &request.messages[sent..];
    let mut chars = request.system.len();
    let mut images = 0;
    for m in messages {
        chars += m.content.len();
        chars += m.tool_calls.iter().map(|c| c.name.len() + c.arguments.to_string().len()).sum::<usize>();
        chars += m.tool_results.iter().map(|r| r.name.len() + r.content.len()).sum::<usize>();
        images += m.images.len() as u64;
    }
    chars += request
        .tools
        .iter()
        .map(|t| t.name.len() + t.description.len() + t.parameters.to_string().len())
        .sum::<usize>();
    // The files a provider reads itself are the photos of the message.
    images += request.files.len() as u64;
    (chars / CHARS_PER_TOKEN) as u64 + images * IMAGE_TOKENS
}

/// The tokens `response` holds, estimated: its text and the tool calls it asks for.
pub fn response_tokens(response: &ChatResponse) -> u64 {
    let chars = response.text.len()
        + response.tool_calls.iter().map(|c| c.name.len() + c.arguments.to_string().len()).sum::<usize>();
    chars.div_ceil(CHARS_PER_TOKEN) as u64
}

/// Give `response` an estimated usage when the provider reported none, or only zeros (the
/// Claude Code CLI without a usage block, an Ollama answer from a cached prompt, a server that
/// fills the fields with 0); `sent` is [`request_tokens`] of its request. A provider's own cost
/// (the Claude Code CLI's) is kept.
pub fn fill_in(sent: u64, response: &mut ChatResponse) {
    let nothing = response.usage.is_none_or(|u| u.input_tokens == 0 && u.output_tokens == 0);
    if nothing {
        response.usage = Some(Usage {
            input_tokens: sent,
            output_tokens: response_tokens(response),
            estimated: true,
            ..Usage::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChatMessage, Role, ToolCall, ToolResult, ToolSpec};

    #[test]
    fn everything_a_request_sends_is_counted() {
        let mut request = ChatRequest {
            system: "s".repeat(400),
            messages: vec![ChatMessage::new(Role::User, "u".repeat(400))],
            ..ChatRequest::default()
        };
        assert_eq!(request_tokens(&request), 200);
        request.tools.push(ToolSpec {
            name: "shell".into(),
            description: "d".repeat(395),
            parameters: serde_json::json!({}).into(),
        });
        let mut answer = ChatMessage::new(Role::Assistant, String::new());
        answer.tool_calls.push(ToolCall {
            id: "1".into(),
            name: "shell".into(),
            arguments: serde_json::json!({}),
        });
        let mut result = ChatMessage::new(Role::User, String::new());
        result.tool_results.push(ToolResult {
            call_id: "1".into(),
            name: "shell".into(),
            content: "r".repeat(393),
            is_error: false,
        });
        request.messages.extend([answer, result]);
        // 800 + (5 + 395 + 2) + (5 + 2) + (5 + 393) = 1,607 characters.
        assert_eq!(request_tokens(&request), 401);
        // Resumed: the system prompt and the new message only.
        request.resume = Some("session".into());
        assert_eq!(request_tokens(&request), (400 + 398 + 402) / 4);
    }

    #[test]
    fn a_reported_usage_is_kept_and_a_missing_one_is_estimated() {
        let mut reported = ChatResponse {
            text: "x".repeat(10),
            usage: Some(Usage { input_tokens: 7, output_tokens: 3, ..Usage::default() }),
            ..ChatResponse::default()
        };
        let before = reported.clone();
        fill_in(100, &mut reported);
        assert_eq!(reported, before);
        let estimated =
            Some(Usage { input_tokens: 100, output_tokens: 3, estimated: true, ..Usage::default() });
        let mut silent = ChatResponse { text: "x".repeat(10), ..ChatResponse::default() };
        fill_in(100, &mut silent);
        assert_eq!(silent.usage, estimated);
        let mut zeros =
            ChatResponse { text: "x".repeat(10), usage: Some(Usage::default()), ..ChatResponse::default() };
        fill_in(100, &mut zeros);
        assert_eq!(zeros.usage, estimated, "a usage of nothing is no report");
    }
}
