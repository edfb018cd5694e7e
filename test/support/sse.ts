/** The data of each server-sent event in a response body, one string per event (`[DONE]` dropped). */
export function sseEvents(body: ReadableStream<BufferSource>): ReadableStream<string> {
  let buffer = '';
  return body.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TransformStream<string, string>({
      transform(text, controller) {
        buffer += text;
        let boundary = buffer.indexOf('\n\n');
        while (boundary !== -1) {
          const data = buffer
            .slice(0, boundary)
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          buffer = buffer.slice(boundary + 2);
          if (data && data !== '[DONE]') controller.enqueue(data);
          boundary = buffer.indexOf('\n\n');
        }
      },
    }),
  );
}
