"""Long lists: deep pages are the rows plain OFFSET gives, and the home page counts only as far as its links go."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Post
from app.models.user import followed_posts_of_follower
from app.pagination import PAGES_AHEAD, Cursor, Position, built_once, paginate
from app.timestamps import utcnow
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.integration.links import link_labelled
from tests.login import log_in_as

PER_PAGE = 2


@pytest.fixture
def tiny_pages(app):
    app.config["FLASKY_POSTS_PER_PAGE"] = PER_PAGE


def posts_at(minutes_ago: list[int], **fields) -> list[Post]:
    """Posts written that many minutes ago; equal ages tie, and the higher id then comes first."""
    now = utcnow()
    return [PostFactory(timestamp=now - timedelta(minutes=age), **fields) for age in minutes_ago]


def newest_first(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda post: (post.timestamp, post.id), reverse=True)


def test_every_page_holds_the_rows_of_plain_offset_pagination(db):
    posts = newest_first(posts_at([5, 1, 3, 3, 0, 7, 3]))
    pages = [paginate(select(Post), page, 3).items for page in (1, 2, 3)]
    assert pages == [posts[0:3], posts[3:6], posts[6:7]]


def test_a_page_past_the_end_is_empty_but_counts_the_list(db):
    posts_at([1, 2, 3])
    pagination = paginate(select(Post), 9, 2)
    assert pagination.items == []
    assert (pagination.total, pagination.pages, pagination.has_next) == (3, 2, False)


def test_a_deep_page_takes_as_many_queries_as_the_first(db, count_queries):
    posts_at(list(range(12)))
    with count_queries() as first:
        paginate(select(Post), 1, 2)
    with count_queries() as deep:
        paginate(select(Post), 6, 2)
    assert first.count == deep.count == 2


def test_bounded_count_stops_one_row_past_the_pages_the_widget_links(db):
    posts_at(list(range(2 * (1 + PAGES_AHEAD) + 3)))
    pagination = paginate(select(Post), 1, 2, counting="bounded")
    assert pagination.more
    assert pagination.total == 2 * (1 + PAGES_AHEAD)
    assert pagination.pages == 1 + PAGES_AHEAD
    assert pagination.has_next


def test_bounded_count_is_exact_when_the_list_ends_within_reach(db):
    posts_at(list(range(13)))
    pagination = paginate(select(Post), 4, 2, counting="bounded")
    assert not pagination.more
    assert (pagination.total, pagination.pages) == (13, 7)


def test_home_page_links_the_next_pages_and_marks_that_more_follow(client, db, tiny_pages):
    posts_at(list(range(PER_PAGE * 20)))
    page = client.get("/").text
    assert f'href="/?page={1 + PAGES_AHEAD}"' in page
    assert f'href="/?page={2 + PAGES_AHEAD}"' not in page
    assert 'title="More pages"' in page
    assert 'href="/?page=2&amp;after=' in page


def test_home_page_near_the_end_links_the_last_page_without_a_more_mark(client, db, tiny_pages):
    posts_at(list(range(PER_PAGE * 20)))
    page = client.get("/?page=18").text
    assert 'href="/?page=20"' in page
    assert 'href="/?page=21"' not in page
    assert 'title="More pages"' not in page


def test_a_deep_page_of_the_followed_feed_holds_only_followed_authors_in_order(client, db, tiny_pages):
    reader, followed, stranger = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=reader, followed=followed)
    mine = posts_at([0, 4, 8], author=reader, body="mine")
    theirs = posts_at([1, 2, 3, 5, 6], author=followed, body="theirs")
    posts_at([0, 1, 2, 3, 4, 5, 6, 7], author=stranger, body="stranger")
    expected = newest_first(mine + theirs)[4:6]
    log_in_as(client, reader)
    client.set_cookie("show_followed", "1")
    page = client.get("/?page=3").text
    assert "stranger" not in page
    positions = [page.index(f'href="/post/{post.id}"') for post in expected]
    assert positions == sorted(positions)
    assert 'href="/?page=4"' in page
    assert 'href="/?page=5"' not in page


def test_profile_counts_all_of_an_authors_posts(client, db, tiny_pages):
    author = UserFactory()
    posts_at(list(range(PER_PAGE * 10)), author=author)
    page = client.get(f"/user/{author.username}").text
    assert f"{PER_PAGE * 10} posts" in page
    assert f'href="/user/{author.username}?page=10"' in page


def test_a_page_reached_by_its_cursor_holds_the_rows_of_its_number(db):
    posts_at([3, 1, 3, 3, 0, 3, 3, 2])
    by_number = [paginate(select(Post), page, 3) for page in (1, 2, 3)]
    second = paginate(select(Post), by_number[0].next_args["page"], 3)
    following = paginate(select(Post), Position(2, after=Cursor.parse(by_number[0].next_args["after"])), 3)
    last = paginate(select(Post), Position(3, after=Cursor.parse(following.next_args["after"])), 3)
    assert following.items == second.items == by_number[1].items
    assert last.items == by_number[2].items
    assert (following.has_prev, following.has_next, last.has_next) == (True, True, False)


def test_a_page_reached_backwards_by_its_cursor_holds_the_rows_of_its_number(db):
    posts_at(list(range(9)))
    second, third = paginate(select(Post), 2, 3), paginate(select(Post), 3, 3)
    back = paginate(select(Post), Position(2, before=Cursor.parse(third.prev_args["before"])), 3)
    assert back.items == second.items
    assert (back.has_prev, back.has_next) == (True, True)
    assert third.prev_args.keys() == {"page", "before"}
    assert second.prev_args == {"page": 1}


def test_a_cursor_page_counts_the_pages_after_it_from_where_it_starts(db, count_queries):
    posts_at(list(range(2 * 30)))
    deep = paginate(select(Post), 20, 2, counting="bounded")
    with count_queries() as log:
        following = paginate(
            select(Post), Position(21, after=Cursor.parse(deep.next_args["after"])), 2, counting="bounded"
        )
    assert following.items == paginate(select(Post), 21, 2).items
    assert (following.pages, following.more) == (21 + PAGES_AHEAD, True)
    assert log.count == 2


def test_cursors_read_back_what_they_write_and_nothing_else():
    cursor = Cursor(utcnow().replace(microsecond=123456), 42)
    assert Cursor.parse(str(cursor)) == cursor
    assert Cursor.parse("2026-12-01T14:00:00+01:00,7") == Cursor.parse("2026-12-01T13:00:00,7")
    for unreadable in (None, "", "yesterday,4", "2026-12-01T13:00:00", "2026-12-01T13:00:00,x", f"2026-12-01,{2**40}"):
        assert Cursor.parse(unreadable) is None


def test_home_page_next_link_leads_to_the_page_its_number_shows(client, db, tiny_pages):
    posts = newest_first(posts_at(list(range(PER_PAGE * 6))))
    first = client.get("/").text
    next_link = link_labelled(first, "Next")
    assert "after=" in next_link
    page = client.get(next_link).text
    positions = [page.index(f'href="/post/{post.id}"') for post in posts[PER_PAGE : 2 * PER_PAGE]]
    assert positions == sorted(positions)
    assert f'href="/post/{posts[0].id}"' not in page
    assert 'href="/?page=1" aria-label="Previous"' in page


def test_an_unreadable_cursor_falls_back_to_the_page_number(client, db, tiny_pages):
    posts = newest_first(posts_at(list(range(PER_PAGE * 3))))
    page = client.get("/?page=2&after=tomorrow").text
    assert f'href="/post/{posts[PER_PAGE].id}"' in page
    assert f'href="/post/{posts[0].id}"' not in page


def test_a_list_built_once_builds_its_pages_once_and_each_reader_gets_their_own(db):
    """Bind parameters, not the first reader's values, are kept in the statements built once."""
    first, second = UserFactory(), UserFactory()
    by_first, by_second = PostFactory.create_batch(5, author=first), PostFactory.create_batch(4, author=second)
    FollowFactory(follower=second, followed=first)
    feed = followed_posts_of_follower()
    built_before = built_once.cache_info()

    def page(user, position):
        return paginate(feed, position, 2, counting="bounded", params={"follower_id": user.id})

    for user, posts in ((first, newest_first(by_first)), (second, newest_first(by_first + by_second))):
        one = page(user, 1)
        two = page(user, Position(2, after=Cursor.parse(one.next_args["after"])))
        three = page(user, Position(3, after=Cursor.parse(two.next_args["after"])))
        back = page(user, Position(2, before=Cursor.parse(three.prev_args["before"])))
        assert [one.items, two.items, three.items, back.items] == [posts[0:2], posts[2:4], posts[4:6], posts[2:4]]
        assert (one.total, two.total) == (len(posts), len(posts))
    built = built_once.cache_info()
    assert built.currsize - built_before.currsize <= 4  # the pages by number, after and before, and the count
    assert built.hits - built_before.hits >= 12
