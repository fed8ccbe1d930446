"""The routes: api (the widget's JSON), discussion (the no-JavaScript page), admin (moderators)."""
