const leftPad = require("left-pad");

const API = process.env.API_URL || "http://localhost:8000/api/todos/";

async function main() {
  const response = await fetch(API);
  const todos = await response.json();
  for (const todo of todos) {
    console.log(`${leftPad(String(todo.id), 4)}  ${todo.done ? "[x]" : "[ ]"} ${todo.title}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
