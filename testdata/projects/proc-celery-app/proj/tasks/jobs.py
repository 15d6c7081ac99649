from proj.tasks.app import queue


@queue.task
def send_digest(user_id):
    return user_id
